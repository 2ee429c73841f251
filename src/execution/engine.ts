/**
 * @module
 * The invocation engine: one instance per control plane (reference §1.7–§5, SPEC §1). It implements
 * the API's Invoker port and listens to function registration so each function gets its lanes. It
 * owns the lanes (one FunctionQueue per function) and wires the parts that do the work:
 * admission (admitter.ts, rate-gate.ts), dispatch and results (attempt-runner.ts, scheduler),
 * resilience (resilience-gates.ts), sync waits (sync-wait-hooks.ts), REMOTE callbacks
 * (attempt-callback.ts) and start-up recovery (recovered-backlog.ts, recovery.ts).
 */
import type { Payload } from "../domain/payload";
import { uuidV7 } from "../lib/uuid-v7";
import type { InvocationRequest, InvocationResult } from "../contracts/pod";
import { notFound } from "../domain/errors";
import type { ResolvedFunction } from "../domain/resolved-function";
import { FunctionQueue, type QueueStats } from "../queue/function-queue";
import { type ReplicaShare, SOLE_REPLICA } from "../queue/replica-share";
import { Deadlines } from "../lib/deadlines";
import { Scheduler } from "../scheduler/scheduler";
import { Admitter, functionRemoved } from "./admitter";
import { acceptsCallback, attemptResultOf } from "./attempt-callback";
import { type EngineDeps, type ErrorReporter, reportToConsole } from "./engine-deps";
import { type EngineObserver, guardObserver, NO_OBSERVER } from "./engine-observer";
import { IDEMPOTENCY_TTL_MS } from "./idempotency-store";
import { ResilienceGates } from "./resilience-gates";
import { AttemptRunner, type ReplicaEndpoints } from "./attempt-runner";
import type { FunctionLifecycleListener } from "./function-lifecycle";
import type { ExecutionRecord, Lane } from "./execution-record";
import { viewOfRow } from "./execution-row";
import type { ExecutionView, InvocationOutcome, Invoker, InvokeOptions } from "./invoker";
import { RateGate } from "./rate-gate";
import { replicasFailedError, replicasFailedRejection, takeAwaited } from "./failed-replicas";
import { RecoveredBacklog } from "./recovered-backlog";
import { type RecoverySummary, recoverExecutions } from "./recovery";
import type { ExecutionRow } from "../store/state-store";
import { createSyncWaitHooks } from "./sync-wait-hooks";
import { type WaitHooks, waitForOutcome } from "./sync-waiter";
import type { CircuitView } from "../resilience/circuit-breaker";

export type { EngineDeps, ErrorReporter, ReplicaEndpoints };

export class InvocationEngine implements Invoker, FunctionLifecycleListener {
  private readonly queues = new Map<string, FunctionQueue>();
  /** This replica's part of the shared limits (issue 20); the whole of them while it is alone. */
  private replicaShare: ReplicaShare = SOLE_REPLICA;
  readonly scheduler: Scheduler;
  private readonly waitHooks: WaitHooks;
  private readonly rates: RateGate;
  private readonly admission: Admitter;
  private readonly attempts: AttemptRunner;
  private readonly gates: ResilienceGates;
  private readonly recovered: RecoveredBacklog;
  private readonly observer: EngineObserver;
  private readonly now: () => number;
  private readonly reportError: ErrorReporter;
  /** Set when shutdown left unfinished async work to the next start: nothing more is dispatched or applied. */
  private handedOver = false;

  constructor(private readonly deps: EngineDeps) {
    const reportError = deps.reportError ?? reportToConsole;
    this.reportError = reportError;
    this.observer = guardObserver(deps.observer ?? NO_OBSERVER, (error, hook) =>
      reportError(error, `observer ${hook}`),
    );
    this.now = deps.now ?? Date.now;
    this.recovered = new RecoveredBacklog({
      queues: this.queues,
      store: deps.store,
      durable: deps.durable,
      observer: this.observer,
    });
    const wake = (queue: FunctionQueue) => this.scheduler.wake(queue);
    this.gates = new ResilienceGates(this.queues, {
      limits: deps.bulkhead,
      tenants: deps.tenants,
      now: this.now,
      wake,
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
      wake,
      onWaitingForReplica: deps.onWaitingForReplica,
      reportError,
      halted: () => this.handedOver,
      onAttemptResult: (record, ok, now) => this.gates.onAttemptResult(record, ok, now),
    });
    const finish = (record: ExecutionRecord, transition: () => boolean) => this.attempts.finish(record, transition);
    this.rates = new RateGate(() => deps.settings.rateMaxPerSecond, this.observer);
    this.admission = new Admitter({
      queues: this.queues,
      settings: deps.settings,
      syncMaxDepth: deps.syncMaxDepth,
      rates: this.rates,
      store: deps.store,
      idempotency: deps.idempotency,
      durable: deps.durable,
      retained: deps.retained,
      observer: this.observer,
      now: this.now,
      // Time-ordered ids (UUIDv7): a durable store's primary-key index then grows at its end instead of
      // taking a random page per insert (SQLite: ~32 → ~12 µs of CPU per recorded sync execution).
      newId: deps.newId ?? uuidV7,
      random: deps.random,
      wake,
      finish,
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
    this.waitHooks = createSyncWaitHooks({
      settings: deps.settings,
      now: this.now,
      // Sync callers' wait deadlines (one timer per wait length).
      deadlines: new Deadlines({ onError: (error) => reportError(error, "sync wait deadline") }),
      replicas: deps.replicas,
      observer: this.observer,
      unqueue: (record) => this.unqueue(record),
      finish,
    });
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
    queue.setReplicaShare(this.replicaShare);
    this.gates.attach(queue);
    this.queues.set(fn.name, queue);
    this.rates.follow(fn);
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
    // A breaker is per version (SPEC-platform §6): another version, or another breaker, starts CLOSED.
    if (previous.version !== fn.version || !Bun.deepEquals(previous.circuitBreaker, fn.circuitBreaker)) {
      this.gates.detach(queue);
      queue.breaker = undefined;
      this.gates.attach(queue);
    }
    this.rates.follow(fn);
    this.scheduler.wake(queue);
  }

  onRemoved(fn: ResolvedFunction): void {
    const queue = this.queues.get(fn.name);
    this.queues.delete(fn.name);
    this.rates.forget(fn.name);
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
    this.recovered.drop(fn.name, failQueued);
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

  /** A replica of `name` failed and none is ready: the sync calls waiting in its queue end now. */
  replicasFailed(name: string, error: string): void {
    const queue = this.queues.get(name);
    if (queue?.fn.effectiveExecutionMode !== "DEPLOYMENT") return;
    const failure = replicasFailedError(name, error);
    for (const record of takeAwaited(queue)) {
      record.cancel();
      this.attempts.finish(record, () => record.fail(failure, this.now()));
    }
  }

  /**
   * Several control planes share the store (issue 20): each function's concurrency and every rate
   * limit are split between the live replicas, this one taking its part (queue/replica-share.ts).
   */
  setReplicaShare(share: ReplicaShare): void {
    if (share.count === this.replicaShare.count && share.rank === this.replicaShare.rank) return;
    this.replicaShare = share;
    this.rates.setReplicaShare(share);
    for (const queue of this.queues.values()) {
      queue.setReplicaShare(share);
      this.scheduler.wake(queue); // a larger share may start queued work now
    }
  }

  /** Lowers (or restores) a function's effective concurrency; never above `concurrency`, never below 1. */
  setEffectiveConcurrency(name: string, limit: number): void {
    const queue = this.queues.get(name);
    if (!queue) return;
    queue.setLimit(limit);
    this.scheduler.wake(queue);
  }

  /**
   * Sets (or, with undefined, ends) the traffic split of function `name` (issue 22): `slots` and
   * `byVersion` name the queues (registered functions: the function itself, or a version's
   * deployment `name@vN`) that take its calls.
   */
  setRoute(
    name: string,
    route: { slots: readonly string[]; byVersion: ReadonlyMap<number, string> } | undefined,
  ): void {
    const queue = this.queues.get(name);
    if (!queue) throw notFound(`Function '${name}'`);
    if (!route) {
      queue.route = undefined;
      return;
    }
    const resolve = (target: string) => {
      const found = this.queues.get(target);
      if (!found) throw new Error(`traffic route of '${name}' names '${target}', which has no queue`);
      return found;
    };
    queue.route = {
      slots: route.slots.map(resolve),
      byVersion: new Map([...route.byVersion].map(([version, target]) => [version, resolve(target)])),
    };
  }

  // ── Invoker ───────────────────────────────────────────────────────────────────────────────────

  async invoke(name: string, request: InvocationRequest<Payload>, options: InvokeOptions): Promise<InvocationOutcome> {
    const queue = this.admission.route(this.admission.call(name), options);
    const waitMs = options.timeoutMs ?? this.defaultWaitMs(queue.fn);
    const replay = this.admission.replay(name, options.idempotencyKey);
    if (replay) return replay.isTerminal ? replay.outcome() : this.waitFor(replay, waitMs);
    // A sync call meets an open circuit, a full bulkhead or failing replicas at once; async work waits.
    this.gates.admitSync(queue, this.now());
    this.refuseIfReplicasFail(queue);
    const lane: Lane = this.deps.settings.syncQueueEnabled ? "sync" : "async";
    const record = this.admission.admit(queue, request, options, lane);
    return this.waitFor(record, waitMs);
  }

  /**
   * Admission is synchronous (a rejection throws at once, as `invoke`'s does before its first
   * await); the returned promise resolves once the invocation is durable (the store's group
   * commit). A store that cannot persist → 503 STORE_UNAVAILABLE and nothing is admitted.
   */
  enqueue(name: string, request: InvocationRequest<Payload>, options: InvokeOptions): Promise<InvocationOutcome> {
    return this.admission.enqueue(this.admission.route(this.admission.call(name), options), request, options);
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

  /** A REMOTE Job's result callback; late, duplicate and non-REMOTE ones are ignored (attempt-callback.ts). */
  complete(id: string, result: InvocationResult<Payload>, attempt: number | undefined): void {
    const record = this.deps.store.get(id);
    if (!record) return; // unknown (or already swept): ignored, as the reference documents
    const target = attempt ?? record.attempt;
    if (!acceptsCallback(record, target)) return;
    this.attempts.onAttemptResult(record, target, attemptResultOf(result));
  }

  /** A sync caller's default wait: the function's timeout, plus the Job start-up allowance for REMOTE. */
  private defaultWaitMs(fn: ResolvedFunction): number {
    return fn.effectiveExecutionMode === "REMOTE" ? fn.timeoutMs + this.deps.jobStartupAllowanceMs : fn.timeoutMs;
  }

  /** Only DEPLOYMENT functions have replicas; a ready one means the call can be served. */
  private refuseIfReplicasFail(queue: FunctionQueue): void {
    const replicas = this.deps.replicas;
    if (queue.fn.effectiveExecutionMode !== "DEPLOYMENT" || !replicas?.failure || replicas.ready(queue.name)) return;
    const error = replicas.failure(queue.name);
    if (error !== undefined)
      throw replicasFailedRejection(queue.name, error, this.deps.settings.syncQueueRetryAfterSeconds);
  }

  private waitFor(record: ExecutionRecord, waitMs: number): Promise<InvocationOutcome> {
    return waitForOutcome(record, waitMs, this.waitHooks);
  }

  /** A queue gave a slot back: its next record may go now. */
  private readonly slotReleased = (queue: FunctionQueue): void => {
    this.gates.onSlotReleased(queue);
    this.observer.onSlotsChanged?.(queue.name, queue.inFlight);
    if (!this.recovered.isEmpty) this.recovered.feed(queue);
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
    const summary = recoverExecutions(rows, this.recovered, durable.executions, this.now());
    for (const queue of this.queues.values()) this.scheduler.wake(queue);
    return summary;
  }

  /** A live idempotency key from before the restart. */
  restoreIdempotencyKey(fn: string, key: string, executionId: string, expiresAt: number): void {
    // publish() computes the expiry from "now"; back-dating now keeps the original expiry.
    this.deps.idempotency.publish(fn, key, executionId, expiresAt - IDEMPOTENCY_TTL_MS);
  }

  // ── shutdown ──────────────────────────────────────────────────────────────────────────────────

  /** Stops admitting new invocations (503 SHUTTING_DOWN); queued and running work continues. */
  stopAdmitting(): void {
    this.admission.stop();
  }

  get isDraining(): boolean {
    return this.admission.stopped;
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
