/**
 * @module
 * Enqueue → dispatch start, in-process (SPEC §3: p50 ≤ 20 µs with no timer on the path). The real
 * engine, with the real metrics/trace observers, hands attempts to a recording dispatcher that
 * notes `performance.now()` when it is called; the gap from just before `enqueue()` / `invoke()`
 * is the latency. A third path measures slot release → next dispatch: with concurrency 1 and
 * work waiting, finishing the running attempt must start the next one in the same tick.
 * `setTimeout`/`setInterval`/`setImmediate` are counted while each path runs.
 *
 *   bun bench/dispatch-latency.ts [--samples 20000]
 */
import { parseArgs } from "node:util";
import { Registry } from "prom-client";
import type { AttemptResult, Dispatcher, DispatchTask } from "../src/dispatch/dispatcher";
import { FunctionSpec } from "../src/domain/function-spec";
import { resolveFunction } from "../src/domain/resolved-function";
import { InvocationEngine } from "../src/execution/engine";
import { createInMemoryExecutionStore } from "../src/execution/execution-store";
import { createInMemoryIdempotencyStore } from "../src/execution/idempotency-store";
import type { RuntimeSettings } from "../src/execution/runtime-settings";
import { silentLogger } from "../src/observability/logger";
import { createTelemetry } from "../src/observability/telemetry";
import { percentile, round } from "./lib/stats";

export interface LatencyStats {
  samples: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
  /** Timers created per call on this path (the dispatch path must have none). */
  timersPerCall: number;
}

export interface DispatchLatencyResult {
  enqueueToDispatch: LatencyStats;
  invokeToDispatch: LatencyStats;
  releaseToDispatch: LatencyStats;
}

const OK: AttemptResult = { ok: true, output: null, coldStart: false, initDurationMs: null };
const REQUEST = { input: { text: "hello" }, metadata: { source: "bench" } };

/** Records when each attempt reaches the dispatcher; attempts finish when the bench says so. */
class RecordingDispatcher implements Dispatcher {
  lastAt = 0;
  onDispatch: (() => void) | undefined;
  private finishers: ((r: AttemptResult) => void)[] = [];
  dispatch(_task: DispatchTask): Promise<AttemptResult> {
    this.lastAt = performance.now();
    this.onDispatch?.();
    return new Promise((resolve) => this.finishers.push(resolve));
  }
  finishOne(): void {
    this.finishers.shift()?.(OK);
  }
  finishAll(): void {
    for (const finish of this.finishers.splice(0)) finish(OK);
  }
}

function build() {
  const dispatcher = new RecordingDispatcher();
  const settings: RuntimeSettings = {
    rateMaxPerSecond: 1_000_000_000,
    syncQueueEnabled: true,
    syncQueueAdmissionEnabled: true,
    syncQueueMaxEstimatedWaitMs: 2000,
    syncQueueMaxQueueWaitMs: 2000,
    syncQueueRetryAfterSeconds: 2,
  };
  const engineRef: { engine?: InvocationEngine } = {};
  const telemetry = createTelemetry({
    registry: new Registry(),
    version: "bench",
    logger: silentLogger(),
    queues: () => engineRef.engine?.queueStats() ?? new Map(),
  });
  const engine = new InvocationEngine({
    settings,
    syncMaxDepth: 0,
    throughputWindowMs: 30_000,
    dispatchers: { LOCAL: dispatcher, POOL: dispatcher, DEPLOYMENT: dispatcher, REMOTE: dispatcher },
    store: createInMemoryExecutionStore({ ttlMs: 300_000, cleanupTtlMs: 120_000, maxLifetimeMs: 1_800_000 }),
    idempotency: createInMemoryIdempotencyStore(),
    jobStartupAllowanceMs: 60_000,
    observer: telemetry.observer,
  });
  engineRef.engine = engine;
  const register = (name: string, concurrency: number) => {
    const spec = FunctionSpec.parse({
      name,
      executionMode: "POOL",
      endpointUrl: "http://127.0.0.1:9/invoke",
      concurrency,
      queueSize: 1_000_000,
    });
    const fn = resolveFunction(spec, { timeoutMs: 30_000, concurrency: 4, queueSize: 100, maxRetries: 1 });
    engine.onRegistered(fn);
    telemetry.lifecycle.onRegistered(fn);
  };
  return { engine, dispatcher, register };
}

/** Counts timers created while `body` runs. */
async function countingTimers<T>(body: () => Promise<T>): Promise<{ value: T; timers: number }> {
  const g = globalThis as Record<string, unknown>;
  const names = ["setTimeout", "setInterval", "setImmediate"] as const;
  const saved = names.map((n) => g[n]);
  let timers = 0;
  names.forEach((n, i) => {
    const original = saved[i] as (...a: unknown[]) => unknown;
    g[n] = (...args: unknown[]) => {
      timers++;
      return original(...args);
    };
  });
  try {
    return { value: await body(), timers };
  } finally {
    names.forEach((n, i) => {
      g[n] = saved[i];
    });
  }
}

function summarise(latencies: number[], timers: number): LatencyStats {
  const sorted = latencies.map((ms) => ms * 1000).sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50Us: round(percentile(sorted, 0.5), 2),
    p90Us: round(percentile(sorted, 0.9), 2),
    p99Us: round(percentile(sorted, 0.99), 2),
    maxUs: round(sorted[sorted.length - 1]!, 1),
    timersPerCall: round(timers / sorted.length, 3),
  };
}

/** Waits for the next dispatch (a microtask after the call that queued the work). */
const nextDispatch = (d: RecordingDispatcher) =>
  new Promise<void>((resolve) => {
    d.onDispatch = () => {
      d.onDispatch = undefined;
      resolve();
    };
  });

export async function runDispatchLatencyBench(samples = 20_000): Promise<DispatchLatencyResult> {
  const { engine, dispatcher, register } = build();
  register("fan", 10_000);
  register("one", 1);
  const measureEnqueue = async (n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const seen = nextDispatch(dispatcher);
      const t0 = performance.now();
      engine.enqueue("fan", REQUEST, {});
      await seen;
      out.push(dispatcher.lastAt - t0);
      if (i % 1000 === 999) dispatcher.finishAll(); // keep the running attempts under the concurrency of 10 000
    }
    dispatcher.finishAll();
    return out;
  };
  const measureInvoke = async (n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const seen = nextDispatch(dispatcher);
      const t0 = performance.now();
      const done = engine.invoke("fan", REQUEST, {});
      await seen;
      out.push(dispatcher.lastAt - t0);
      dispatcher.finishOne();
      await done;
    }
    return out;
  };
  const measureRelease = async (n: number) => {
    const out: number[] = [];
    engine.enqueue("one", REQUEST, {}); // occupies the only slot
    await Promise.resolve();
    for (let i = 0; i < n; i++) {
      engine.enqueue("one", REQUEST, {}); // waits for the slot
      const seen = nextDispatch(dispatcher);
      const t0 = performance.now();
      dispatcher.finishOne(); // ends the running attempt → its slot is released → next dispatch
      await seen;
      out.push(dispatcher.lastAt - t0);
    }
    dispatcher.finishAll();
    return out;
  };
  // Warm-up through the JIT tiers, then measure.
  await measureEnqueue(2000);
  await measureInvoke(2000);
  await measureRelease(2000);
  const e = await countingTimers(() => measureEnqueue(samples));
  const i = await countingTimers(() => measureInvoke(samples));
  const r = await countingTimers(() => measureRelease(samples));
  return {
    enqueueToDispatch: summarise(e.value, e.timers),
    invokeToDispatch: summarise(i.value, i.timers),
    releaseToDispatch: summarise(r.value, r.timers),
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { samples: { type: "string", default: "20000" } },
  });
  console.log(JSON.stringify(await runDispatchLatencyBench(Number(values.samples)), null, 2));
}
