/**
 * @module
 * The invocation engine: admission, queueing, dispatch, completion and retries (reference §1.7–§5,
 * SPEC §1). One instance per control plane. It implements the API's Invoker port and listens to
 * function registration so each function gets its lanes.
 */
import type { Payload } from "../domain/payload";
import { uuidV7 } from "../lib/uuid-v7";
import type { InvocationRequest, InvocationResult } from "../contracts/pod";
import { NanofaasError, notFound } from "../domain/errors";
import type { ExecutionMode } from "../domain/function-spec";
import type { ResolvedFunction } from "../domain/resolved-function";
import type { AttemptResult, Dispatcher } from "../dispatch/dispatcher";
import { FunctionQueue, type QueueStats } from "../queue/function-queue";
import { FixedWindowRateLimiter } from "../queue/rate-limiter";
import { Deadlines } from "../lib/deadlines";
import { Scheduler } from "../scheduler/scheduler";
import { checkLaneAdmission, type LaneAdmission, rejection } from "./admission";
import { AttemptRunner, type ReplicaEndpoints } from "./attempt-runner";
import { type EngineObserver, guardObserver, NO_OBSERVER } from "./engine-observer";
import type { FunctionLifecycleListener } from "./function-lifecycle";
import { ExecutionRecord, type Lane } from "./execution-record";
import type { ExecutionStore } from "./execution-store";
import { type DurableExecutions, storeUnavailable } from "./durable-executions";
import { executionRowOf, viewOfRow } from "./execution-row";
import { IDEMPOTENCY_TTL_MS, type IdempotencyStore } from "./idempotency-store";
import type { ExecutionView, InvocationOutcome, Invoker, InvokeOptions } from "./invoker";
import { type RecoverySummary, recoverExecutions } from "./recovery";
import type { ExecutionRow } from "../store/state-store";
import type { RetainedBytes } from "./retained-bytes";
import type { RuntimeSettings } from "./runtime-settings";
import { type WaitHooks, waitForOutcome } from "./sync-waiter";
import type { BulkheadLimits } from "../resilience/bulkhead";
import type { CircuitView } from "../resilience/circuit-breaker";
import { type CircuitTransitionListener, ResilienceGates } from "./resilience-gates";

export type { ReplicaEndpoints };

export interface EngineDeps {
  settings: RuntimeSettings;
  syncMaxDepth: number;
  throughputWindowMs: number;
  /** Dispatches in the window before a function's wait estimate is used (SYNC_QUEUE_PER_FUNCTION_MIN_SAMPLES). */
  throughputMinSamples?: number;
  /** `Config.jobStartupAllowanceMs`: a sync caller of a REMOTE function waits timeoutMs + this by default. */
  jobStartupAllowanceMs: number;
  dispatchers: Record<ExecutionMode, Dispatcher>;
  replicas?: ReplicaEndpoints;
  store: ExecutionStore;
  idempotency: IdempotencyStore;
  observer?: EngineObserver;
  now?: () => number;
  newId?: () => string;
  random?: () => number;
  /** Called when DEPLOYMENT work is queued and no replica is ready (scale from zero). */
  onWaitingForReplica?: (fn: ResolvedFunction) => void;
  /** Told about a fault the engine survived (a throwing deadline callback or observer hook). */
  reportError?: ErrorReporter;
  /** Budget for retained inputs/outputs (NANOFAAS_MAX_RETAINED_BYTES); unbounded when absent. */
  retained?: RetainedBytes;
  /**
   * The durable store (issue 17): `:enqueue` answers only once `accept` committed; without it
   * (engine unit tests) nothing is persisted. State changes are recorded by writeBehindObserver.
   */
  durable?: DurableExecutions;
  /** Global bulkheads (NANOFAAS_MAX_TOTAL_INFLIGHT / _JOBS); no caps when absent. */
  bulkhead?: BulkheadLimits;
  /** A function's circuit changed state (logged and exported as a metric by the control plane). */
  onCircuitTransition?: CircuitTransitionListener;
}

/** `what` names the faulty part ("observer onFinished", "sync wait deadline"). */
export type ErrorReporter = (error: unknown, what: string) => void;

export class InvocationEngine implements Invoker, FunctionLifecycleListener {
  private readonly queues = new Map<string, FunctionQueue>();
  readonly scheduler: Scheduler;
  /** Sync callers' wait deadlines (one timer per wait length). */
  private readonly deadlines: Deadlines;
  private readonly waitHooks: WaitHooks;
  private readonly laneAdmission: LaneAdmission;
  private readonly attempts: AttemptRunner;
  private readonly gates: ResilienceGates;
  private readonly globalLimiter: FixedWindowRateLimiter;
  private readonly functionLimiters = new Map<string, FixedWindowRateLimiter>();
  private readonly observer: EngineObserver;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly reportError: ErrorReporter;
  private draining = false;
  /** Set when shutdown left unfinished async work to the next start: nothing more is dispatched or applied. */
  private handedOver = false;
  /** Async admissions whose durable accept is in flight: an idempotent replay waits for the same commit. */
  private readonly pendingAccepts = new Map<string, Promise<void>>();
  /** Recovered executions that did not fit their lane yet (start-up recovery): fed in as slots free up. */
  private readonly recovered = new Map<string, ExecutionRecord[]>();

  constructor(private readonly deps: EngineDeps) {
    const reportError = deps.reportError ?? reportToConsole;
    this.reportError = reportError;
    this.observer = guardObserver(deps.observer ?? NO_OBSERVER, (error, hook) =>
      reportError(error, `observer ${hook}`),
    );
    this.now = deps.now ?? Date.now;
    // Time-ordered ids (UUIDv7): a durable store's primary-key index then grows at its end instead of
    // taking a random page per insert (SQLite: ~32 → ~12 µs of CPU per recorded sync execution).
    this.newId = deps.newId ?? uuidV7;
    this.deadlines = new Deadlines({ onError: (error) => reportError(error, "sync wait deadline") });
    this.globalLimiter = new FixedWindowRateLimiter(deps.settings.rateMaxPerSecond);
    this.gates = new ResilienceGates(this.queues, {
      limits: deps.bulkhead,
      now: this.now,
      wake: (queue) => this.scheduler.wake(queue),
      onTransition: deps.onCircuitTransition,
      retryAfterSeconds: () => deps.settings.syncQueueRetryAfterSeconds,
    });
    this.attempts = new AttemptRunner({
      queues: this.queues,
      dispatchers: deps.dispatchers,
      replicas: deps.replicas,
      observer: this.observer,
      now: this.now,
      random: deps.random,
      wake: (queue) => this.scheduler.wake(queue),
      onWaitingForReplica: deps.onWaitingForReplica,
      reportError,
      halted: () => this.handedOver,
      onAttemptResult: (record, ok, now) => this.gates.onAttemptResult(record, ok, now),
    });
    this.scheduler = new Scheduler({
      canDispatch: (q) =>
        !this.handedOver &&
        q.hasFreeSlot &&
        this.gates.allowsDispatch(q, this.now()) &&
        this.attempts.hasDestination(q),
      dispatchNext: (q) => {
        const sent = this.attempts.dispatchNext(q);
        if (sent) this.gates.onDispatched(q);
        return sent;
      },
    });
    this.waitHooks = this.createWaitHooks();
    this.laneAdmission = {
      settings: deps.settings,
      syncMaxDepth: deps.syncMaxDepth,
      totalSyncDepth: () => this.totalSyncDepth(),
    };
  }

  // ── function lifecycle ────────────────────────────────────────────────────────────────────────

  /** Each function's queue, read-only: the gauges and the autoscaler read it at their own pace. */
  queueStats(): ReadonlyMap<string, QueueStats> {
    return this.queues;
  }

  onRegistered(fn: ResolvedFunction): void {
    const queue = new FunctionQueue(
      fn,
      this.deps.throughputWindowMs,
      this.deps.throughputMinSamples,
      this.slotReleased,
    );
    this.gates.attach(queue);
    this.queues.set(fn.name, queue);
    if (fn.rateLimitPerSecond) this.functionLimiters.set(fn.name, new FixedWindowRateLimiter(fn.rateLimitPerSecond));
  }

  /** A new version (PUT, rollback): the queue keeps its work; limits and breaker follow the new spec. */
  onUpdated(fn: ResolvedFunction): void {
    const queue = this.queues.get(fn.name);
    if (!queue) {
      this.onRegistered(fn);
      return;
    }
    const previous = queue.fn;
    queue.replaceFunction(fn);
    if (!Bun.deepEquals(previous.circuitBreaker, fn.circuitBreaker)) {
      this.gates.detach(queue);
      queue.breaker = undefined;
      this.gates.attach(queue);
    }
    if (fn.rateLimitPerSecond) this.functionLimiters.set(fn.name, new FixedWindowRateLimiter(fn.rateLimitPerSecond));
    else this.functionLimiters.delete(fn.name);
    this.scheduler.wake(queue);
  }

  onRemoved(fn: ResolvedFunction): void {
    const queue = this.queues.get(fn.name);
    this.queues.delete(fn.name);
    this.functionLimiters.delete(fn.name);
    this.deps.idempotency.forgetFunction(fn.name);
    this.deps.durable?.idempotency
      .forgetFunction(fn.name)
      .catch((error) => this.reportError(error, "forgetting the idempotency keys of a removed function"));
    if (!queue) return;
    this.gates.detach(queue);
    queue.markRemoved();
    const error = functionRemoved(fn.name);
    const failQueued = (record: ExecutionRecord) => this.attempts.finish(record, () => record.fail(error, this.now()));
    queue.sync.drainTo(failQueued);
    queue.async.drainTo(failQueued);
    for (const record of this.recovered.get(fn.name) ?? []) failQueued(record);
    this.recovered.delete(fn.name);
  }

  /** The circuit breaker's state of a function; undefined when it has none (or is unknown). */
  circuit(name: string): CircuitView | undefined {
    return this.gates.circuit(name);
  }

  /** Closes a function's circuit (`:reset-circuit`); false when it has no breaker. */
  resetCircuit(name: string): boolean {
    if (!this.queues.has(name)) throw notFound(`Function '${name}'`);
    return this.gates.resetCircuit(name);
  }

  /** Attempts in flight across all functions (the bulkhead's count). */
  get totalInFlight(): number {
    return this.gates.totalInFlight;
  }

  /** Replica readiness changed: queued work may now have somewhere to go. */
  wakeFunction(name: string): void {
    const queue = this.queues.get(name);
    if (queue) this.scheduler.wake(queue);
  }

  /** Lowers (or restores) a function's effective concurrency; never above `concurrency`, never below 1. */
  setEffectiveConcurrency(name: string, limit: number): void {
    const queue = this.queues.get(name);
    if (!queue) return;
    queue.setLimit(limit);
    this.scheduler.wake(queue);
  }

  // ── Invoker ───────────────────────────────────────────────────────────────────────────────────

  async invoke(name: string, request: InvocationRequest<Payload>, options: InvokeOptions): Promise<InvocationOutcome> {
    const queue = this.admitCall(name);
    const waitMs = options.timeoutMs ?? this.defaultWaitMs(queue.fn);
    const replay = this.replay(name, options.idempotencyKey);
    if (replay) return replay.isTerminal ? replay.outcome() : this.waitFor(replay, waitMs);
    // A sync call meets an open circuit or a full bulkhead at once; async work waits in its queue.
    this.gates.admitSync(queue, this.now());
    const lane: Lane = this.deps.settings.syncQueueEnabled ? "sync" : "async";
    const record = this.admit(queue, request, options, lane);
    return this.waitFor(record, waitMs);
  }

  /**
   * Admission is synchronous (a rejection throws at once, as `invoke`'s does before its first
   * await); the returned promise resolves once the invocation is durable (the store's group
   * commit). A store that cannot persist → 503 STORE_UNAVAILABLE and nothing is admitted.
   */
  enqueue(name: string, request: InvocationRequest<Payload>, options: InvokeOptions): Promise<InvocationOutcome> {
    const queue = this.admitCall(name);
    const replay = this.replay(name, options.idempotencyKey);
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

  execution(id: string): ExecutionView | undefined {
    return this.deps.store.get(id)?.view();
  }

  /** As `execution`, falling back to the durable store (an execution from before a restart). */
  async findExecution(id: string): Promise<ExecutionView | undefined> {
    const inMemory = this.deps.store.get(id);
    if (inMemory || !this.deps.durable) return inMemory?.view();
    const row = await this.deps.durable.executions.get(id);
    return row && viewOfRow(row);
  }

  complete(id: string, result: InvocationResult<Payload>, attempt: number | undefined): void {
    const record = this.deps.store.get(id);
    if (!record) return; // unknown (or already swept): ignored, as the reference documents
    const target = attempt ?? record.attempt;
    if (!this.acceptsCallback(record, target)) return;
    const outcome: AttemptResult = result.success
      ? { ok: true, output: result.output ?? null, coldStart: false, initDurationMs: null }
      : {
          ok: false,
          // Reference bug §9.7 fixed: a failure without an error object still records an error.
          error: result.error ?? { code: "FUNCTION_ERROR", message: "Function reported failure without an error" },
          coldStart: false,
          initDurationMs: null,
        };
    this.attempts.onAttemptResult(record, target, outcome);
  }

  /**
   * Whether a callback for `attempt` of `record` decides that attempt (issue 13.5). Late and
   * duplicate callbacks (a finished execution, an earlier attempt) are ignored. A callback for an
   * attempt never dispatched is forged: it would complete work that never ran, or requeue a queued
   * record a second time and leak its slot — refused with 409, nothing changed. Only a REMOTE Job
   * reports by callback; a POOL/DEPLOYMENT/LOCAL attempt (dispatched, so in flight) is decided by
   * its response, not by a racing callback from the same pod, so outcomes stay deterministic (the
   * reference let the first one win).
   */
  private acceptsCallback(record: ExecutionRecord, attempt: number): boolean {
    if (record.isTerminal || attempt < record.attempt) return false;
    if (attempt > record.dispatchedAttempt) {
      const where = record.state === "queued" ? "it is queued" : `attempt ${record.attempt} is current`;
      throw new NanofaasError(
        "CONFLICT",
        `Execution '${record.id}' attempt ${attempt} was never dispatched (${where}); the callback was not applied`,
      );
    }
    return record.fn.effectiveExecutionMode === "REMOTE";
  }

  // ── admission ─────────────────────────────────────────────────────────────────────────────────

  /** Shutdown, global and per-function rate limits, then lookup (rate first, as the reference). */
  private admitCall(name: string): FunctionQueue {
    if (this.draining) {
      throw new NanofaasError("SHUTTING_DOWN", "The control plane is shutting down", { retryAfterSeconds: 1 });
    }
    const now = this.now();
    this.globalLimiter.maxPerSecond = this.deps.settings.rateMaxPerSecond;
    if (!this.globalLimiter.tryAcquire(now)) {
      throw rejection(
        "rate",
        `Global rate limit of ${this.globalLimiter.maxPerSecond}/s exceeded`,
        this.globalLimiter.retryAfterSeconds,
      );
    }
    const queue = this.queues.get(name);
    if (!queue) throw notFound(`Function '${name}'`);
    const limiter = this.functionLimiters.get(name);
    if (limiter && !limiter.tryAcquire(now)) {
      this.observer.onRejected?.(name, "sync", "rate");
      throw rejection(
        "rate",
        `Rate limit of ${limiter.maxPerSecond}/s exceeded for function '${name}'`,
        limiter.retryAfterSeconds,
      );
    }
    return queue;
  }

  private replay(name: string, key: string | undefined): ExecutionRecord | undefined {
    if (!key) return undefined;
    const id = this.deps.idempotency.lookup(name, key, this.now());
    return id === undefined ? undefined : this.deps.store.get(id);
  }

  private admit(
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
      if (key) this.deps.idempotency.forget(queue.name, key, record.id);
      throw storeUnavailable(error);
    } finally {
      queue.unreserve();
      this.pendingAccepts.delete(record.id);
    }
    if (key) durable.idempotency.publish(queue.name, key, record.id, record.createdAt + IDEMPOTENCY_TTL_MS);
    this.enqueueAdmitted(queue, record);
  }

  /** Admission checks, then the record (stored in memory, its idempotency key published). */
  private createRecord(
    queue: FunctionQueue,
    request: InvocationRequest<Payload>,
    options: InvokeOptions,
    lane: Lane,
  ): ExecutionRecord {
    const now = this.now();
    try {
      checkLaneAdmission(queue, lane, this.laneAdmission, now);
    } catch (error) {
      this.observer.onRejected?.(queue.name, lane, (error as NanofaasError).rejectReason ?? "depth");
      throw error;
    }
    const trace = { traceId: options.traceId, traceparent: options.traceparent, tracestate: options.tracestate };
    const { idempotencyKey, lineage, trigger } = options;
    const record = new ExecutionRecord(
      this.newId(),
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
      this.observer.onRejected?.(queue.name, lane, "memory");
      throw error;
    }
    this.deps.store.put(record);
    if (options.idempotencyKey) this.deps.idempotency.publish(queue.name, options.idempotencyKey, record.id, now);
    return record;
  }

  /** Puts an admitted record in its lane (room was checked or reserved at admission). */
  private enqueueAdmitted(queue: FunctionQueue, record: ExecutionRecord): void {
    if (queue.removed) {
      this.attempts.finish(record, () => record.fail(functionRemoved(queue.name), this.now()));
      return;
    }
    queue.lane(record.lane).push(record);
    this.observer.onEnqueued?.(record, record.lane);
    this.scheduler.wake(queue);
  }

  /** A sync caller's default wait: the function's timeout, plus the Job start-up allowance for REMOTE. */
  private defaultWaitMs(fn: ResolvedFunction): number {
    return fn.effectiveExecutionMode === "REMOTE" ? fn.timeoutMs + this.deps.jobStartupAllowanceMs : fn.timeoutMs;
  }

  private totalSyncDepth(): number {
    let total = 0;
    for (const queue of this.queues.values()) total += queue.sync.size;
    return total;
  }

  private waitFor(record: ExecutionRecord, waitMs: number): Promise<InvocationOutcome> {
    return waitForOutcome(record, waitMs, this.waitHooks);
  }

  /** What every sync wait needs from the engine; built once, not per call (invoke hot path). */
  private createWaitHooks(): WaitHooks {
    const { settings } = this.deps;
    return {
      now: this.now,
      deadlines: this.deadlines,
      maxQueueWaitMs: (record) => (record.lane === "sync" ? settings.syncQueueMaxQueueWaitMs : undefined),
      // A cold start (scale from zero) is not a saturated queue: wait for the caller's deadline.
      queueWaitApplies: (record) =>
        record.fn.effectiveExecutionMode !== "DEPLOYMENT" || this.deps.replicas?.ready(record.fn.name) === true,
      onQueueTimeout: (record) => {
        this.unqueue(record);
        this.observer.onQueueTimeout?.(record);
        const message = `Waited longer than ${settings.syncQueueMaxQueueWaitMs} ms in the queue`;
        const error = rejection("timeout", message, settings.syncQueueRetryAfterSeconds);
        this.attempts.finish(record, () => record.timeOut(this.now(), message));
        return error;
      },
      onCallerTimeout: (record) => {
        // SPEC §1.7: still-queued work is removed and never dispatched; running work finishes.
        if (record.state === "queued") this.unqueue(record);
        this.observer.onCallerTimeout?.(record);
        this.attempts.finish(record, () =>
          record.timeOut(
            this.now(),
            "The caller's wait (X-Timeout-Ms or the function's timeoutMs) ended before the execution did",
          ),
        );
      },
    };
  }

  /** A queue gave a slot back: its next record may go now. */
  private readonly slotReleased = (queue: FunctionQueue): void => {
    this.gates.onSlotReleased(queue);
    this.observer.onSlotsChanged?.(queue.name, queue.inFlight);
    if (this.recovered.size > 0) this.feedRecovered(queue);
    this.scheduler.wake(queue);
  };

  private unqueue(record: ExecutionRecord): void {
    record.cancel();
    this.queues.get(record.fn.name)?.lane(record.lane).remove(record);
  }

  // ── start-up recovery (issue 17) ──────────────────────────────────────────────────────────────

  /** Re-queues (or ends) what the store says was unfinished; run once, after functions are back. */
  recover(rows: ExecutionRow[]): RecoverySummary {
    const durable = this.deps.durable;
    if (!durable) throw new Error("recover needs a durable store");
    const target = {
      functionNamed: (name: string) => this.queues.get(name)?.fn,
      resume: (record: ExecutionRecord) => this.resume(record),
    };
    const summary = recoverExecutions(rows, target, durable.executions, this.now());
    for (const queue of this.queues.values()) this.scheduler.wake(queue);
    return summary;
  }

  /** A live idempotency key from before the restart. */
  restoreIdempotencyKey(fn: string, key: string, executionId: string, expiresAt: number): void {
    // publish() computes the expiry from "now"; back-dating now keeps the original expiry.
    this.deps.idempotency.publish(fn, key, executionId, expiresAt - IDEMPOTENCY_TTL_MS);
  }

  private resume(record: ExecutionRecord): void {
    const queue = this.queues.get(record.fn.name)!;
    this.deps.store.put(record);
    this.deps.durable?.executions.record(executionRowOf(record));
    const waiting = this.recovered.get(queue.name);
    if (!waiting && queue.hasRoom("async") && queue.async.push(record)) {
      this.observer.onEnqueued?.(record, "async");
      return;
    }
    if (waiting) waiting.push(record);
    else this.recovered.set(queue.name, [record]);
  }

  /** Moves recovered records into the lane while it has room (FIFO, after a slot came back). */
  private feedRecovered(queue: FunctionQueue): void {
    const waiting = this.recovered.get(queue.name);
    if (!waiting) return;
    let fed = 0;
    while (fed < waiting.length && queue.hasRoom("async") && queue.async.push(waiting[fed]!)) {
      this.observer.onEnqueued?.(waiting[fed]!, "async");
      fed++;
    }
    waiting.splice(0, fed);
    if (waiting.length === 0) this.recovered.delete(queue.name);
  }

  // ── shutdown ──────────────────────────────────────────────────────────────────────────────────

  /** Stops admitting new invocations (503 SHUTTING_DOWN); queued and running work continues. */
  stopAdmitting(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Executions not yet terminal. */
  pendingCount(): number {
    let pending = 0;
    for (const record of this.deps.store.values()) if (!record.isTerminal) pending++;
    return pending;
  }

  /**
   * Ends every non-terminal execution with `code` (used when the shutdown grace runs out). On a
   * store that outlives the process, unfinished async work is left as the store has it: the next
   * start picks it up (docs/persistence.md), so a graceful restart loses no accepted invocation.
   */
  failPending(code: string, message: string): number {
    let failed = 0;
    const keepAsync = this.deps.durable?.outlivesProcess === true;
    this.handedOver = keepAsync;
    for (const record of this.deps.store.values()) {
      if (record.isTerminal || (keepAsync && record.lane === "async")) continue;
      if (record.state === "queued") this.unqueue(record);
      this.attempts.finish(record, () => record.fail({ code, message }, this.now()));
      failed++;
    }
    return failed;
  }

  /** Retention janitor (reference §3.3), run every minute by main.ts. */
  sweep(): void {
    const now = this.now();
    this.deps.store.sweep(now);
    this.deps.idempotency.sweep(now);
    const durable = this.deps.durable;
    if (!durable) return;
    const report = (error: unknown) => this.reportError(error, "durable retention sweep");
    durable.executions.sweep(now - durable.retentionMs).catch(report);
    durable.idempotency.sweep(now).catch(report);
  }
}

const queued = (executionId: string): InvocationOutcome => ({
  executionId,
  status: "queued",
  output: null,
  error: null,
});

const functionRemoved = (name: string) => ({
  code: "FUNCTION_REMOVED",
  message: `Function '${name}' was removed before queued execution could run`,
});

const reportToConsole: ErrorReporter = (error, what) => console.error(`${what} failed:`, error);
