/**
 * @module
 * Per-function queueing state (SPEC §1.3): a sync lane and an async lane, each a preallocated ring
 * buffer of capacity `queueSize`, the in-flight slot counter shared by both lanes and by retries,
 * and the recent attempt durations used for estimated-wait admission.
 *
 * The slot invariant lives here: `inFlight` changes only through `acquireSlot` (one dispatch) and
 * the release function it hands the record, which the record calls exactly once per attempt
 * (`ExecutionRecord.settleAttempt`), reporting the attempt's duration. Others read the queue
 * through `QueueStats`.
 */
import type { ResolvedFunction } from "../domain/resolved-function";
import type { ExecutionRecord, Lane, SlotRelease } from "../execution/execution-record";
import type { TrafficRoute } from "../execution/traffic-route";
import type { TenantGate } from "../tenants/tenant-admission";
import type { CircuitBreaker } from "../resilience/circuit-breaker";
import { type ReplicaShare, SOLE_REPLICA, shareOf } from "./replica-share";
import { RingBuffer } from "./ring-buffer";
import { ServiceTimeWindow } from "./service-time-window";

/** Finished attempts in the window needed before the wait estimate is trusted (default). */
export const MIN_THROUGHPUT_SAMPLES = 10;

/** When both lanes have work, take this many sync items per async item: sync first, async never starved. */
export const SYNC_PICKS_PER_ASYNC = 3;

/** What telemetry and the autoscaler may read of a function's queue (nothing to write through). */
export interface QueueStats {
  readonly fn: ResolvedFunction;
  readonly sync: { readonly size: number };
  readonly async: { readonly size: number };
  /** Occupied concurrency slots. */
  readonly inFlight: number;
  /** Effective concurrency: `concurrency`, possibly lowered by the autoscaler and split between replicas. */
  readonly limit: number;
}

export class FunctionQueue implements QueueStats {
  sync: RingBuffer<ExecutionRecord>;
  async: RingBuffer<ExecutionRecord>;
  private readonly serviceTimes: ServiceTimeWindow;
  private slotsInUse = 0;
  /** The autoscaler's limit (never above `concurrency`). */
  private effectiveLimit: number;
  /** This replica's part of `concurrency` when several control planes share the work (issue 20). */
  private replicaShare: ReplicaShare = SOLE_REPLICA;
  /** min(effectiveLimit, this replica's share): kept up to date so the dispatch check is one compare. */
  private slotLimit: number;
  private isRemoved = false;
  /** The function's circuit breaker, when its spec asks for one (execution/resilience-gates.ts). */
  breaker: CircuitBreaker | undefined = undefined;
  /** Its tenant's quota gate (src/tenants/tenant-admission.ts), set by the engine's resilience gates. */
  tenantGate: TenantGate<FunctionQueue> | undefined = undefined;
  /** The function's traffic split (issue 22): which versions' queues take its calls; undefined = this one. */
  route: TrafficRoute<FunctionQueue> | undefined = undefined;
  private syncStreak = 0;
  /** Async admissions waiting for their durable commit: each holds a place in the async lane. */
  private reservedAsync = 0;
  /**
   * Handed to each record that takes a slot (one function per queue, no allocation per dispatch).
   * The attempt's duration feeds the estimated wait (admission.ts).
   */
  private readonly release: SlotRelease = (now, startedAt) => {
    this.slotsInUse--;
    if (startedAt !== null) this.serviceTimes.record(now, now - startedAt);
    this.onSlotReleased(this);
  };

  constructor(
    public fn: ResolvedFunction,
    throughputWindowMs: number,
    private readonly minThroughputSamples = MIN_THROUGHPUT_SAMPLES,
    /** Told after every slot release (the engine wakes the scheduler and updates the gauge). */
    private readonly onSlotReleased: (queue: FunctionQueue) => void = () => {},
  ) {
    this.sync = new RingBuffer(fn.queueSize);
    this.async = new RingBuffer(fn.queueSize);
    this.effectiveLimit = fn.concurrency;
    this.slotLimit = fn.concurrency;
    this.serviceTimes = new ServiceTimeWindow(throughputWindowMs);
  }

  /**
   * A new version of the function (PUT, rollback): queued work stays queued, in order, and in-flight
   * attempts keep their slots. A smaller queueSize keeps what is already queued (the lane holds it
   * until it drains); the limit follows the new concurrency.
   */
  replaceFunction(fn: ResolvedFunction): void {
    const previous = this.fn;
    this.fn = fn;
    if (fn.queueSize !== previous.queueSize) {
      this.sync = resized(this.sync, fn.queueSize);
      this.async = resized(this.async, fn.queueSize);
    }
    this.effectiveLimit = fn.concurrency;
    this.updateSlotLimit();
  }

  get name(): string {
    return this.fn.name;
  }

  get inFlight(): number {
    return this.slotsInUse;
  }

  get limit(): number {
    return this.slotLimit;
  }

  /** Sets the effective concurrency; never above `concurrency`, never below 1. */
  setLimit(limit: number): void {
    this.effectiveLimit = Math.max(1, Math.min(this.fn.concurrency, Math.floor(limit)));
    this.updateSlotLimit();
  }

  /** The live replicas changed: this replica's part of `concurrency` follows. */
  setReplicaShare(share: ReplicaShare): void {
    this.replicaShare = share;
    this.updateSlotLimit();
  }

  private updateSlotLimit(): void {
    this.slotLimit = Math.min(this.effectiveLimit, shareOf(this.fn.concurrency, this.replicaShare));
  }

  /** The function was removed: nothing more is dispatched from this queue. */
  get removed(): boolean {
    return this.isRemoved;
  }

  markRemoved(): void {
    this.isRemoved = true;
  }

  /**
   * Takes a concurrency slot for `record`'s current attempt and begins that attempt; the record
   * keeps the release function and gives the slot back when the attempt settles. Returns the
   * attempt number.
   */
  acquireSlot(record: ExecutionRecord, now: number): number {
    this.slotsInUse++;
    return record.beginAttempt(now, this.release);
  }

  /** Whether one more record fits in `lane`, counting places held by pending async admissions. */
  hasRoom(lane: Lane): boolean {
    const buffer = this.lane(lane);
    return buffer.size + (lane === "async" ? this.reservedAsync : 0) < buffer.capacity;
  }

  /** Holds a place in the async lane until `unreserve` (the durable accept is in flight). */
  reserve(): void {
    this.reservedAsync++;
  }

  unreserve(): void {
    this.reservedAsync--;
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

/** A lane of `capacity` holding what `lane` holds (more, when it already holds more). */
function resized(lane: RingBuffer<ExecutionRecord>, capacity: number): RingBuffer<ExecutionRecord> {
  const next = new RingBuffer<ExecutionRecord>(Math.max(capacity, lane.size, 1));
  lane.drainTo((record) => next.push(record));
  return next;
}
