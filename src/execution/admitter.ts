/**
 * @module
 * Admission of one invocation (SPEC §1.2, §1.3, §1.8, §1.9; issue 17): whether the engine still
 * admits, rate limits, idempotent replays, lane room, the retained-bytes budget, then the record —
 * and, for `:enqueue` on a durable store, the group commit it waits for before it is queued.
 * Owns the "still admitting" flag and the accepts in flight; the lanes belong to the engine.
 */
import type { InvocationRequest } from "../contracts/pod";
import { NanofaasError, notFound } from "../domain/errors";
import type { Payload } from "../domain/payload";
import type { FunctionQueue } from "../queue/function-queue";
import { checkLaneAdmission, type LaneAdmission } from "./admission";
import type { EngineObserver } from "./engine-observer";
import { ExecutionRecord, type Lane } from "./execution-record";
import type { ExecutionStore } from "./execution-store";
import { type DurableExecutions, storeUnavailable } from "./durable-executions";
import { executionRowOf } from "./execution-row";
import { IDEMPOTENCY_TTL_MS, type IdempotencyStore } from "./idempotency-store";
import type { InvocationOutcome, InvokeOptions } from "./invoker";
import type { RateGate } from "./rate-gate";
import type { RetainedBytes } from "./retained-bytes";
import type { RuntimeSettings } from "./runtime-settings";
import { pickRoute } from "./traffic-route";

export interface AdmitterDeps {
  queues: ReadonlyMap<string, FunctionQueue>;
  settings: RuntimeSettings;
  syncMaxDepth: number;
  rates: RateGate;
  store: ExecutionStore;
  idempotency: IdempotencyStore;
  durable?: DurableExecutions;
  retained?: RetainedBytes;
  observer: EngineObserver;
  now: () => number;
  newId: () => string;
  /** Picks a slot of a traffic split (Math.random unless a test fixes it). */
  random?: () => number;
  /** Tells the scheduler that `queue` has work. */
  wake: (queue: FunctionQueue) => void;
  /** Applies a terminal transition through the attempt runner (slot, store, observer). */
  finish: (record: ExecutionRecord, transition: () => boolean) => void;
}

export class Admitter {
  private draining = false;
  /** Async admissions whose durable accept is in flight: an idempotent replay waits for the same commit. */
  private readonly pendingAccepts = new Map<string, Promise<void>>();
  private readonly laneAdmission: LaneAdmission;
  private readonly random: () => number;

  constructor(private readonly deps: AdmitterDeps) {
    this.random = deps.random ?? Math.random;
    this.laneAdmission = {
      settings: deps.settings,
      syncMaxDepth: deps.syncMaxDepth,
      totalSyncDepth: () => this.totalSyncDepth(),
    };
  }

  /** Stops admitting (503 SHUTTING_DOWN from now on). */
  stop(): void {
    this.draining = true;
  }

  get stopped(): boolean {
    return this.draining;
  }

  /** Shutdown, global and per-function rate limits, then lookup (rate first, as the reference). */
  call(name: string): FunctionQueue {
    if (this.draining) {
      throw new NanofaasError("SHUTTING_DOWN", "The control plane is shutting down", { retryAfterSeconds: 1 });
    }
    const now = this.deps.now();
    this.deps.rates.acquireGlobal(now);
    const queue = this.deps.queues.get(name);
    if (!queue) throw notFound(`Function '${name}'`);
    this.deps.rates.acquireFunction(name, now);
    return queue;
  }

  /**
   * The queue of the version that takes the call (issue 22): the function's own unless it has a
   * traffic split or the call pins a version (X-Function-Version).
   */
  route(queue: FunctionQueue, options: InvokeOptions): FunctionQueue {
    if (queue.route === undefined && options.version === undefined) return queue;
    return pickRoute(queue, queue.route, options.version, options.idempotencyKey, this.random);
  }

  /** The execution an idempotency key already names, if it is still live. */
  replay(name: string, key: string | undefined): ExecutionRecord | undefined {
    if (!key) return undefined;
    const id = this.deps.idempotency.lookup(name, key, this.deps.now());
    return id === undefined ? undefined : this.deps.store.get(id);
  }

  /** Admits and queues at once (sync calls; async ones without a durable store). */
  admit(
    queue: FunctionQueue,
    request: InvocationRequest<Payload>,
    options: InvokeOptions,
    lane: Lane,
  ): ExecutionRecord {
    const record = this.createRecord(queue, request, options, lane);
    this.enqueueAdmitted(queue, record);
    return record;
  }

  /**
   * `:enqueue` after `call`: admission is synchronous (a rejection throws at once); the promise
   * resolves once the invocation is durable. A store that cannot persist → 503 STORE_UNAVAILABLE
   * and nothing is admitted.
   */
  enqueue(
    queue: FunctionQueue,
    request: InvocationRequest<Payload>,
    options: InvokeOptions,
  ): Promise<InvocationOutcome> {
    const replay = this.replay(functionNameOf(queue.fn), options.idempotencyKey);
    if (replay) {
      // Reference §1.8: an async replay always answers `queued` with the original id (once it is durable).
      const pending = this.pendingAccepts.get(replay.id);
      if (!pending) return Promise.resolve(queued(replay.id));
      return pending.then(
        () => queued(replay.id),
        (error: unknown) => Promise.reject(storeUnavailable(error)),
      );
    }
    if (!this.deps.durable) return Promise.resolve(queued(this.admit(queue, request, options, "async").id));
    const record = this.createRecord(queue, request, options, "async");
    return this.commitAdmission(queue, record, options.idempotencyKey).then(() => queued(record.id));
  }

  /** Puts an admitted record in its lane (room was checked or reserved at admission). */
  enqueueAdmitted(queue: FunctionQueue, record: ExecutionRecord): void {
    if (queue.removed) {
      this.deps.finish(record, () => record.fail(functionRemoved(queue.name), this.deps.now()));
      return;
    }
    queue.lane(record.lane).push(record);
    this.deps.observer.onEnqueued?.(record, record.lane);
    this.deps.wake(queue);
  }

  /**
   * An admitted async record holds its place in the lane while the store commits it; only then is
   * it queued (so nothing runs that the store could not keep). A failed commit undoes the admission.
   */
  private async commitAdmission(queue: FunctionQueue, record: ExecutionRecord, key: string | undefined): Promise<void> {
    const durable = this.deps.durable!;
    queue.reserve();
    const accepted = durable.executions.accept(executionRowOf(record));
    this.pendingAccepts.set(record.id, accepted);
    try {
      await accepted;
    } catch (error) {
      this.deps.store.delete(record.id);
      if (key) this.deps.idempotency.forget(functionNameOf(queue.fn), key, record.id);
      throw storeUnavailable(error);
    } finally {
      queue.unreserve();
      this.pendingAccepts.delete(record.id);
    }
    if (key)
      durable.idempotency.publish(functionNameOf(queue.fn), key, record.id, record.createdAt + IDEMPOTENCY_TTL_MS);
    this.enqueueAdmitted(queue, record);
  }

  /** Admission checks, then the record (stored in memory, its idempotency key published). */
  private createRecord(
    queue: FunctionQueue,
    request: InvocationRequest<Payload>,
    options: InvokeOptions,
    lane: Lane,
  ): ExecutionRecord {
    const now = this.deps.now();
    try {
      checkLaneAdmission(queue, lane, this.laneAdmission, now);
    } catch (error) {
      this.deps.observer.onRejected?.(queue.name, lane, (error as NanofaasError).rejectReason ?? "depth");
      throw error;
    }
    const trace = { traceId: options.traceId, traceparent: options.traceparent, tracestate: options.tracestate };
    const { idempotencyKey, lineage, trigger } = options;
    const record = new ExecutionRecord(
      this.deps.newId(),
      queue.fn,
      request,
      lane,
      trace,
      idempotencyKey,
      now,
      lineage,
      trigger,
    );
    try {
      this.deps.retained?.admit(record);
    } catch (error) {
      this.deps.observer.onRejected?.(queue.name, lane, "memory");
      throw error;
    }
    this.deps.store.put(record);
    if (idempotencyKey) this.deps.idempotency.publish(functionNameOf(queue.fn), idempotencyKey, record.id, now);
    return record;
  }

  private totalSyncDepth(): number {
    let total = 0;
    for (const queue of this.deps.queues.values()) total += queue.sync.size;
    return total;
  }
}

/** The function a queue serves: a version's deployment (`name@vN`) serves its function's calls. */
const functionNameOf = (fn: { name: string; versionOf?: string }): string => fn.versionOf ?? fn.name;

const queued = (executionId: string): InvocationOutcome => ({
  executionId,
  status: "queued",
  output: null,
  error: null,
});

/** The error of work that was queued for a function removed before it ran. */
export const functionRemoved = (name: string) => ({
  code: "FUNCTION_REMOVED",
  message: `Function '${name}' was removed before queued execution could run`,
});
