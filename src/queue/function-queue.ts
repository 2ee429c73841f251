/**
 * @module
 * Per-function queueing state (SPEC §1.3): a sync lane and an async lane, each a preallocated ring
 * buffer of capacity `queueSize`, the in-flight slot counter shared by both lanes and by retries,
 * and the recent attempt durations used for estimated-wait admission.
 */
import type { ResolvedFunction } from "../domain/resolved-function";
import type { ExecutionRecord, Lane } from "../execution/execution-record";
import { RingBuffer } from "./ring-buffer";
import { ServiceTimeWindow } from "./service-time-window";

/** Finished attempts in the window needed before the wait estimate is trusted (default). */
export const MIN_THROUGHPUT_SAMPLES = 10;

/** When both lanes have work, take this many sync items per async item: sync first, async never starved. */
export const SYNC_PICKS_PER_ASYNC = 3;

export class FunctionQueue {
  readonly sync: RingBuffer<ExecutionRecord>;
  readonly async: RingBuffer<ExecutionRecord>;
  readonly serviceTimes: ServiceTimeWindow;
  inFlight = 0;
  /** Effective concurrency: `concurrency`, possibly lowered by the autoscaler. */
  limit: number;
  removed = false;
  private syncStreak = 0;

  constructor(
    public fn: ResolvedFunction,
    throughputWindowMs: number,
    private readonly minThroughputSamples = MIN_THROUGHPUT_SAMPLES,
  ) {
    this.sync = new RingBuffer(fn.queueSize);
    this.async = new RingBuffer(fn.queueSize);
    this.limit = fn.concurrency;
    this.serviceTimes = new ServiceTimeWindow(throughputWindowMs);
  }

  get name(): string {
    return this.fn.name;
  }

  get backlog(): number {
    return this.sync.size + this.async.size;
  }

  get hasFreeSlot(): boolean {
    return this.inFlight < this.limit;
  }

  lane(lane: Lane): RingBuffer<ExecutionRecord> {
    return lane === "sync" ? this.sync : this.async;
  }

  /** Next record to dispatch, skipping ones a caller cancelled or a callback already finished. */
  next(): ExecutionRecord | undefined {
    for (;;) {
      const record = this.pickLane()?.shift();
      if (!record) return undefined;
      if (!record.cancelled && !record.isTerminal) return record;
    }
  }

  private pickLane(): RingBuffer<ExecutionRecord> | undefined {
    const hasSync = !this.sync.isEmpty;
    const hasAsync = !this.async.isEmpty;
    if (hasSync && (!hasAsync || this.syncStreak < SYNC_PICKS_PER_ASYNC)) {
      this.syncStreak++;
      return this.sync;
    }
    this.syncStreak = 0;
    return hasAsync ? this.async : undefined;
  }

  /**
   * Estimated wait in ms for a new item behind `depth` others: `limit` slots each finish an attempt
   * every mean service time, so `depth` items ahead take depth × mean ÷ limit. 0 without enough
   * history (fewer than `minThroughputSamples` attempts finished in the window): then only the lane
   * capacity limits admission. See service-time-window.ts for why not the dispatch rate.
   */
  estimatedWaitMs(depth: number, now: number): number {
    if (depth === 0 || this.serviceTimes.count(now) < this.minThroughputSamples) return 0;
    return (depth * this.serviceTimes.meanMs(now)) / Math.max(1, this.limit);
  }
}
