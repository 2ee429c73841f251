/**
 * @module
 * Recent per-function figures for the web console (`GET /v1/stats/functions`): how many executions
 * ended, how many failed and the p50/p99 of their duration over the last few minutes, plus the
 * queue gauges. Read from the meters the hot path already fills (function-meters.ts): nothing is
 * added per invocation. Like window-quantiles.ts, reads keep snapshots of the counters (one per
 * step at most), and a figure is "now minus the oldest snapshot of the window". The first read of a
 * function starts from zero, so until someone has watched it for a whole window the figures cover
 * everything since it was registered, not less.
 */
import type { FunctionMeters } from "./function-meters";
import type { QueueGaugeSource } from "./metrics";
import { quantileOf } from "./window-quantiles";

/** How far back the console's figures look. */
export const STATS_WINDOW_MS = 300_000;
/** A new snapshot at most this often (bounds the snapshots kept per function to window/step + 2). */
export const STATS_STEP_MS = 10_000;

export interface FunctionStats {
  function: string;
  inFlight: number;
  concurrencyLimit: number;
  queueDepth: number;
  syncQueueDepth: number;
  /** The nominal window of the figures below, seconds. */
  windowSeconds: number;
  /** Executions that ended (success or error) in the window. */
  completed: number;
  errors: number;
  /** errors / completed; 0 when nothing ended. */
  errorRate: number;
  /** Duration of the final attempts that ended in the window, milliseconds; null when none did. */
  p50Ms: number | null;
  p99Ms: number | null;
}

interface Snapshot {
  at: number;
  succeeded: number;
  failed: number;
  latency: Float64Array;
}

const snapshotOf = (m: FunctionMeters, at: number): Snapshot => ({
  at,
  succeeded: m.succeeded,
  failed: m.failed,
  latency: m.latency.counts.slice(),
});

/** Keeps the snapshots of each function (dropped with the function's meters) and computes the figures. */
export class FunctionStatsWindow {
  private readonly snapshots = new WeakMap<FunctionMeters, Snapshot[]>();

  constructor(private readonly now: () => number = Date.now) {}

  read(meters: Iterable<FunctionMeters>, queues: ReadonlyMap<string, QueueGaugeSource>): FunctionStats[] {
    const now = this.now();
    const out: FunctionStats[] = [];
    for (const m of meters) out.push(this.statsOf(m, queues.get(m.fn.name), now));
    return out.sort((a, b) => a.function.localeCompare(b.function));
  }

  private statsOf(m: FunctionMeters, queue: QueueGaugeSource | undefined, now: number): FunctionStats {
    const base = this.baseOf(m, now);
    const current = snapshotOf(m, now);
    const errors = current.failed - base.failed;
    const completed = current.succeeded - base.succeeded + errors;
    const latency = new Float64Array(current.latency.length);
    for (let i = 0; i < latency.length; i++) latency[i] = current.latency[i]! - base.latency[i]!;
    const observed = latency.some((c) => c > 0);
    const ms = (q: number) => (observed ? Math.round(quantileOf(latency, m.latency.bounds, q) * 1e4) / 10 : null);
    return {
      function: m.fn.name,
      inFlight: queue?.inFlight ?? 0,
      concurrencyLimit: queue?.limit ?? 0,
      queueDepth: queue?.async.size ?? 0,
      syncQueueDepth: queue?.sync.size ?? 0,
      windowSeconds: STATS_WINDOW_MS / 1000,
      completed,
      errors,
      errorRate: completed > 0 ? errors / completed : 0,
      p50Ms: ms(0.5),
      p99Ms: ms(0.99),
    };
  }

  /** The snapshot the window starts from (recording a new one every step). */
  private baseOf(m: FunctionMeters, now: number): Snapshot {
    let list = this.snapshots.get(m);
    if (!list) {
      // First sight: count from zero, i.e. from the function's registration (its meters' birth).
      list = [{ at: now, succeeded: 0, failed: 0, latency: new Float64Array(m.latency.counts.length) }];
      this.snapshots.set(m, list);
    }
    // Keep exactly one snapshot at or before the window's start: it is the base.
    while (list.length > 1 && now - list[1]!.at >= STATS_WINDOW_MS) list.shift();
    if (now - list.at(-1)!.at >= STATS_STEP_MS) list.push(snapshotOf(m, now));
    return list[0]!;
  }
}
