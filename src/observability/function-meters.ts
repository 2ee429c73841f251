/**
 * @module
 * Per-function meter state and the engine observer that updates it (reference control-plane.md §7).
 * One `FunctionMeters` per registered function, created on registration and dropped on delete, so
 * a deleted function's series vanish and late events for it are ignored until it is registered
 * again. Every update is a field increment or a bucket count: no allocation on the invoke path.
 */
import type { EngineObserver } from "../execution/engine-observer";
import type { ExecutionRecord, Lane } from "../execution/execution-record";
import type { QueueRejectReason } from "../contracts/headers";
import type { ResolvedFunction } from "../domain/resolved-function";
import type { FunctionLifecycleListener } from "../execution/function-lifecycle";
import { Buckets } from "./metric-family";

/** Latency buckets in seconds: 1 ms … 15 min (the longest timeoutMs). */
export const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900,
];
/** Cold-start initialisation buckets in seconds. */
export const INIT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export type ControllerMode = "FIXED" | "STATIC_PER_POD" | "ADAPTIVE_PER_POD";
export const CONTROLLER_MODES: readonly ControllerMode[] = ["FIXED", "STATIC_PER_POD", "ADAPTIVE_PER_POD"];

/** Scaling metric type → `scaling_type` label of `gateway_service_target_load` (reference §7). */
const TARGET_LOAD_TYPES: Record<string, string> = {
  queue_depth: "queue",
  in_flight: "capacity",
  rps: "rps",
  cpu: "cpu",
};

export class FunctionMeters {
  /** `version` (issue 22): the version these meters count; absent only for a function without one (unit tests). */
  readonly labels: { function: string; version?: string };
  enqueued = 0;
  dispatched = 0;
  succeeded = 0;
  failed = 0;
  retried = 0;
  timedOut = 0;
  queueRejected = 0;
  rateLimited = 0;
  coldStarts = 0;
  warmStarts = 0;
  syncAdmitted = 0;
  syncRejected = 0;
  syncTimedOut = 0;
  readonly latency = new Buckets(LATENCY_BUCKETS);
  readonly queueWait = new Buckets(LATENCY_BUCKETS);
  readonly e2eLatency = new Buckets(LATENCY_BUCKETS);
  readonly initDuration = new Buckets(INIT_BUCKETS);
  /** `sync_queue_wait_seconds{function}`: queue wait of each item taken from this function's sync lane. */
  readonly syncQueueWait = new Buckets(LATENCY_BUCKETS);
  /** Concurrency-control mode and target, for every function from registration (reference §7). */
  controllerMode: ControllerMode;
  targetInFlightPerPod: number;
  readonly targetLoads: { scalingType: string; value: number }[];

  constructor(readonly fn: ResolvedFunction) {
    // A version's own deployment (`name@vN`) counts under its function's name and its version.
    const name = fn.versionOf ?? fn.name;
    this.labels = fn.version === undefined ? { function: name } : { function: name, version: String(fn.version) };
    this.targetLoads = targetLoadsOf(fn);
    const control = configuredControl(fn);
    this.controllerMode = control.mode;
    this.targetInFlightPerPod = control.mode === "FIXED" ? 0 : (control.target ?? 0);
  }
}

function targetLoadsOf(fn: ResolvedFunction): { scalingType: string; value: number }[] {
  const metrics = (fn.scalingConfig?.metrics ?? []) as { type?: string; target?: string | null }[];
  const out: { scalingType: string; value: number }[] = [];
  for (const m of metrics) {
    const scalingType = m.type ? TARGET_LOAD_TYPES[m.type] : undefined;
    if (!scalingType) continue;
    const target = (m.target ?? "").trim();
    out.push({ scalingType, value: /^\d+$/.test(target) ? Number(target) : 0 });
  }
  return out;
}

/**
 * The configured concurrency-control mode: FIXED unless the function's scalingConfig names another
 * (a function without scalingConfig, or in any mode, is FIXED with target 0, as in the reference).
 * The internal autoscaler then updates it each tick (setConcurrencyControl).
 */
function configuredControl(fn: ResolvedFunction): { mode: ControllerMode; target: number | null } {
  const scaling = fn.scalingConfig as
    | { concurrencyControl?: { mode?: string | null; targetInFlightPerPod?: number | null } | null }
    | undefined;
  const mode = scaling?.concurrencyControl?.mode;
  if (!mode || !(CONTROLLER_MODES as readonly string[]).includes(mode)) return { mode: "FIXED", target: null };
  return { mode: mode as ControllerMode, target: scaling?.concurrencyControl?.targetInFlightPerPod ?? null };
}

/**
 * A record finished because an attempt's result arrived (pod response, error or callback): its
 * attempt was dispatched and its slot released. Not the case for queue-full retries, removals,
 * shutdown failures of running work or callbacks for never-dispatched work, whose timings are
 * meaningless (reference §7: "final completion, not retry-exhausted").
 */
function completedByAttempt(record: ExecutionRecord): boolean {
  return record.startedAt !== null && record.finishedAt !== null && record.releasedAttempt === record.attempt;
}

const seconds = (ms: number) => ms / 1000;

export class FunctionMetersObserver implements EngineObserver, FunctionLifecycleListener {
  readonly byName = new Map<string, FunctionMeters>();

  onRegistered(fn: ResolvedFunction): void {
    this.byName.set(fn.name, new FunctionMeters(fn));
  }

  onRemoved(fn: ResolvedFunction): void {
    this.byName.delete(fn.name);
  }

  onEnqueued(record: ExecutionRecord, lane: Lane): void {
    const m = this.byName.get(record.fn.name);
    if (!m) return;
    // function_enqueue_total counts async-lane admissions and every retry (the reference's retries
    // always went through its async queue); sync_queue_admitted_total counts first sync admissions.
    if (record.attempt > 1 || lane === "async") m.enqueued++;
    else m.syncAdmitted++;
  }

  onRejected(functionName: string, lane: Lane, reason: QueueRejectReason): void {
    const m = this.byName.get(functionName);
    if (!m) return;
    if (reason === "rate") m.rateLimited++;
    else if (lane === "async") m.queueRejected++;
    else m.syncRejected++;
  }

  onDispatched(record: ExecutionRecord): void {
    const m = this.byName.get(record.fn.name);
    if (!m) return;
    m.dispatched++;
    if (record.lane === "sync" && record.startedAt !== null) {
      m.syncQueueWait.observe(seconds(Math.max(0, record.startedAt - record.enqueuedAt)));
    }
  }

  onRetryScheduled(record: ExecutionRecord): void {
    const m = this.byName.get(record.fn.name);
    if (m) m.retried++;
  }

  onCallerTimeout(record: ExecutionRecord): void {
    const m = this.byName.get(record.fn.name);
    if (m) m.timedOut++;
  }

  onQueueTimeout(record: ExecutionRecord): void {
    const m = this.byName.get(record.fn.name);
    if (m) m.syncTimedOut++;
  }

  onFinished(record: ExecutionRecord): void {
    const m = this.byName.get(record.fn.name);
    if (!m) return;
    if (record.state === "success") m.succeeded++;
    else if (record.state === "error" && record.error?.code !== "FUNCTION_REMOVED") m.failed++;
    if (record.state === "timeout" || !completedByAttempt(record)) return;
    const startedAt = record.startedAt!;
    const finishedAt = record.finishedAt!;
    if (record.coldStart) {
      m.coldStarts++;
      if (record.initDurationMs !== null) m.initDuration.observe(seconds(record.initDurationMs));
    } else {
      m.warmStarts++;
    }
    m.latency.observe(seconds(Math.max(0, finishedAt - startedAt)));
    if (startedAt >= record.enqueuedAt) m.queueWait.observe(seconds(startedAt - record.enqueuedAt));
    if (finishedAt >= record.enqueuedAt) m.e2eLatency.observe(seconds(finishedAt - record.enqueuedAt));
  }

  /** Called by the autoscaler's concurrency controller each tick (reference §6.7); unknown modes are ignored. */
  setConcurrencyControl(name: string, mode: string, targetInFlightPerPod: number): void {
    const m = this.byName.get(name);
    if (!m || !(CONTROLLER_MODES as readonly string[]).includes(mode)) return;
    m.controllerMode = mode as ControllerMode;
    m.targetInFlightPerPod = targetInFlightPerPod;
  }
}
