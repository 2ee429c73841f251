/**
 * @module
 * Every metric the control plane exports, in one place (reference control-plane.md §7, SPEC §1.13).
 * Names, types and labels follow the reference so its dashboards keep working; latency timers are
 * histograms in **seconds** despite the reference's `_ms_seconds` names. Hot-path meters are
 * scrape-time families over `FunctionMeters` (see metric-family.ts); rare events (runtime-config
 * changes) use prom-client metrics directly. All of it lives on the injected Registry.
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { CONTROLLER_MODES, type FunctionMeters, FunctionMetersObserver } from "./function-meters";
import { HttpServerMetrics } from "./http-metrics";
import { type Buckets, type Labels, pushHistogram, registerFamily, type Sample } from "./metric-family";
import { REFERENCE_QUANTILES, WindowQuantiles } from "./window-quantiles";

/** What the gauges read at scrape time from the engine's per-function queues. */
export interface QueueGaugeSource {
  sync: { size: number };
  async: { size: number };
  inFlight: number;
  limit: number;
}

export interface MetricsDeps {
  registry: Registry;
  /** The engine's queues by function name; read only when scraped. */
  queues: () => ReadonlyMap<string, QueueGaugeSource>;
  version: string;
  /** NANOFAAS_METRICS_REFERENCE_QUANTILES: add the reference's `{quantile}` series to the latency histograms. */
  referenceQuantiles?: boolean;
  /** Clock of the quantile windows (tests inject one). */
  now?: () => number;
}

type CounterField = { [K in keyof FunctionMeters]: FunctionMeters[K] extends number ? K : never }[keyof FunctionMeters];

const FUNCTION_COUNTERS: [name: string, help: string, field: CounterField][] = [
  [
    "function_enqueue_total",
    "Executions put in a function's async lane, plus every retry put back in a lane",
    "enqueued",
  ],
  ["function_dispatch_total", "Attempts handed to a dispatcher", "dispatched"],
  ["function_success_total", "Executions that ended in success", "succeeded"],
  ["function_error_total", "Executions that ended in error (not counting FUNCTION_REMOVED)", "failed"],
  ["function_retry_total", "Retries scheduled", "retried"],
  ["function_timeout_total", "Synchronous callers whose wait expired", "timedOut"],
  ["function_queue_rejected_total", "Invocations or retries rejected by a full async lane", "queueRejected"],
  ["function_rate_limited_total", "Invocations rejected by the function's rateLimitPerSecond", "rateLimited"],
  ["function_cold_start_total", "Final completions whose attempt was a cold start", "coldStarts"],
  ["function_warm_start_total", "Final completions whose attempt was warm", "warmStarts"],
  ["sync_queue_admitted_total", "Synchronous invocations admitted to a sync lane", "syncAdmitted"],
  ["sync_queue_rejected_total", "Synchronous invocations rejected with reason depth or est_wait", "syncRejected"],
  [
    "sync_queue_timedout_total",
    "Synchronous invocations that waited longer than syncQueueMaxQueueWait",
    "syncTimedOut",
  ],
];

type HistogramField = "latency" | "queueWait" | "e2eLatency" | "initDuration";
const FUNCTION_HISTOGRAMS: [name: string, help: string, field: HistogramField][] = [
  ["function_latency_ms_seconds", "Final attempt duration in seconds (finishedAt - startedAt)", "latency"],
  ["function_queue_wait_ms_seconds", "Final attempt's queue wait in seconds (startedAt - enqueuedAt)", "queueWait"],
  ["function_e2e_latency_ms_seconds", "Final attempt's enqueue-to-finish time in seconds", "e2eLatency"],
  ["function_init_duration_ms_seconds", "Pod initialisation time reported by cold starts, in seconds", "initDuration"],
];

const QUEUE_GAUGES: [name: string, help: string, read: (q: QueueGaugeSource) => number][] = [
  ["function_queue_depth", "Items in the function's async lane", (q) => q.async.size],
  ["function_sync_queue_depth", "Items in the function's sync lane", (q) => q.sync.size],
  ["function_inFlight", "Occupied concurrency slots", (q) => q.inFlight],
  ["function_effective_concurrency", "Current concurrency slot limit", (q) => q.limit],
];

export interface RuntimeConfigMetrics {
  revision: Gauge;
  updates: Counter<"status">;
  applyDuration: Histogram;
}

export interface ControlPlaneMetrics {
  registry: Registry;
  /** Engine observer and function lifecycle listener (series removed on delete). */
  functions: FunctionMetersObserver;
  http: HttpServerMetrics;
  runtimeConfig: RuntimeConfigMetrics;
}

export function createMetrics({
  registry,
  queues,
  version,
  referenceQuantiles = false,
  now = Date.now,
}: MetricsDeps): ControlPlaneMetrics {
  const functions = new FunctionMetersObserver();
  const each = (emit: (m: FunctionMeters, out: Sample[]) => void) => (out: Sample[]) => {
    for (const m of functions.byName.values()) if (!shadowed(m)) emit(m, out);
  };
  // A version's own deployment draining after a promote has the labels of the function now at that
  // version: one series per label set, so the function's wins (the drain's last counts are dropped).
  const shadowed = (m: FunctionMeters) =>
    m.fn.versionOf !== undefined && functions.byName.get(m.fn.versionOf)?.fn.version === m.fn.version;
  const quantiles = referenceQuantiles ? quantileSeries(now) : undefined;

  for (const [name, help, field] of FUNCTION_COUNTERS) {
    registerFamily(
      registry,
      name,
      help,
      "counter",
      each((m, out) => out.push({ labels: m.labels, value: m[field] })),
    );
  }
  for (const [name, help, field] of FUNCTION_HISTOGRAMS) {
    registerFamily(
      registry,
      name,
      help,
      "histogram",
      each((m, out) => {
        pushHistogram(out, name, m.labels, m[field] as Buckets);
        quantiles?.(out, m.labels, m[field] as Buckets);
      }),
    );
  }
  for (const [name, help, read] of QUEUE_GAUGES) {
    registerFamily(
      registry,
      name,
      help,
      "gauge",
      each((m, out) => {
        const q = queues().get(m.fn.name);
        if (q) out.push({ labels: m.labels, value: read(q) });
      }),
    );
  }
  // Static per-function settings, so alerts can compare latency and depth with their limits.
  registerFamily(
    registry,
    "function_timeout_seconds",
    "The function's timeoutMs, in seconds",
    "gauge",
    each((m, out) => out.push({ labels: m.labels, value: m.fn.timeoutMs / 1000 })),
  );
  registerFamily(
    registry,
    "function_queue_capacity",
    "Capacity of each of the function's lanes (queueSize)",
    "gauge",
    each((m, out) => out.push({ labels: m.labels, value: m.fn.queueSize })),
  );
  // Labelled per function, as the reference registers them (its exporter dropped the labelled
  // variant); sum() over them is the global value, so no unlabelled series doubles it.
  registerFamily(
    registry,
    "sync_queue_depth",
    "Items in the function's sync lane",
    "gauge",
    each((m, out) => {
      out.push({ labels: m.labels, value: queues().get(m.fn.name)?.sync.size ?? 0 });
    }),
  );
  registerFamily(
    registry,
    "sync_queue_wait_seconds",
    "Time items spent in the function's sync lane before dispatch",
    "histogram",
    each((m, out) => pushHistogram(out, "sync_queue_wait_seconds", m.labels, m.syncQueueWait)),
  );
  registerAutoscalerGauges(registry, each);

  const http = new HttpServerMetrics();
  registerFamily(
    registry,
    "http_server_requests_seconds",
    "API requests by route pattern, in seconds",
    "histogram",
    (out) => http.collect(out, "http_server_requests_seconds"),
  );

  new Gauge({
    name: "nanofaas_build_info",
    help: "Build information",
    labelNames: ["version"],
    registers: [registry],
  }).set({ version }, 1);
  return { registry, functions, http, runtimeConfig: createRuntimeConfigMetrics(registry) };
}

/**
 * Appends `{quantile="0.5|0.95|0.99"}` samples over each histogram's recent window (see
 * window-quantiles.ts). The windows are kept per Buckets object, so a deleted function's go with it.
 */
function quantileSeries(now: () => number): (out: Sample[], labels: Labels, buckets: Buckets) => void {
  const windows = new WeakMap<Buckets, WindowQuantiles>();
  return (out, labels, buckets) => {
    let window = windows.get(buckets);
    if (!window) {
      window = new WindowQuantiles(buckets);
      windows.set(buckets, window);
    }
    const values = window.quantiles(now());
    for (let i = 0; i < REFERENCE_QUANTILES.length; i++)
      out.push({ labels: { ...labels, quantile: REFERENCE_QUANTILES[i]! }, value: values[i]! });
  };
}

function registerAutoscalerGauges(
  registry: Registry,
  each: (emit: (m: FunctionMeters, out: Sample[]) => void) => (out: Sample[]) => void,
): void {
  registerFamily(
    registry,
    "function_target_inflight_per_pod",
    "Target in-flight requests per pod (0 in FIXED mode)",
    "gauge",
    each((m, out) => out.push({ labels: m.labels, value: m.targetInFlightPerPod })),
  );
  registerFamily(
    registry,
    "function_concurrency_controller_mode",
    "1 for the active concurrency-control mode, 0 for the others",
    "gauge",
    each((m, out) => {
      for (const mode of CONTROLLER_MODES)
        out.push({ labels: { ...m.labels, mode }, value: mode === m.controllerMode ? 1 : 0 });
    }),
  );
  registerFamily(
    registry,
    "gateway_service_target_load",
    "Target load of each scaling metric (non-integer targets are 0)",
    "gauge",
    each((m, out) => {
      for (const t of m.targetLoads) out.push({ labels: { ...m.labels, scaling_type: t.scalingType }, value: t.value });
    }),
  );
}

function createRuntimeConfigMetrics(registry: Registry): RuntimeConfigMetrics {
  const revision = new Gauge({
    name: "controlplane_runtime_config_revision",
    help: "Revision of the runtime configuration",
    registers: [registry],
  });
  const updates = new Counter({
    name: "controlplane_runtime_config_updates_total",
    help: "Runtime configuration applies by outcome",
    labelNames: ["status"] as const,
    registers: [registry],
  });
  // Both series exist from the start so alerts on increase(...{status="failure"}) see a zero.
  updates.inc({ status: "success" }, 0);
  updates.inc({ status: "failure" }, 0);
  const applyDuration = new Histogram({
    name: "controlplane_runtime_config_apply_duration_seconds",
    help: "Time to apply a runtime configuration change, in seconds",
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
    registers: [registry],
  });
  return { revision, updates, applyDuration };
}
