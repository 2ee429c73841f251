/**
 * @module
 * Runs attempts: hands the next queued record of a function to its dispatcher, and applies each
 * attempt's result — slot release (exactly once per attempt, through the record), retry with
 * backoff, or the terminal transition (reference §3.2, §3.5; SPEC §1.5, §1.6). The engine owns admission and waiting.
 */
import type { ExecutionMode } from "../domain/function-spec";
import type { ResolvedFunction } from "../domain/resolved-function";
import { type AttemptResult, type Dispatcher, failure } from "../dispatch/dispatcher";
import type { FunctionQueue } from "../queue/function-queue";
import type { EngineObserver } from "./engine-observer";
import type { ExecutionRecord } from "./execution-record";
import { retryAllowed } from "../resilience/resilience-spec";
import { retryDelayMs, shouldRetry } from "./retry-policy";

/** Where DEPLOYMENT work goes; POOL uses the function's endpointUrl. */
export interface ReplicaEndpoints {
  ready(name: string): boolean;
  pick(name: string): string | undefined;
  /** Why the replicas fail while none is ready (Deployer.replicaError); undefined otherwise. */
  failure?(name: string): string | undefined;
}

export interface AttemptRunnerDeps {
  queues: ReadonlyMap<string, FunctionQueue>;
  dispatchers: Record<ExecutionMode, Dispatcher>;
  replicas?: ReplicaEndpoints;
  observer: EngineObserver;
  now: () => number;
  random?: () => number;
  /** Tells the scheduler that `queue` may be able to dispatch (a slot came back, a retry queued). */
  wake: (queue: FunctionQueue) => void;
  /** Called when DEPLOYMENT work is queued and no replica is ready (scale from zero). */
  onWaitingForReplica?: (fn: ResolvedFunction) => void;
  /** Told about a dispatcher that broke its contract (rejected instead of resolving). */
  reportError: (error: unknown, what: string) => void;
  /**
   * True once shutdown handed unfinished async work to the next start (engine.failPending): results
   * arriving after that (replicas being stopped) change nothing, so the store keeps what it has.
   */
  halted?: () => boolean;
  /** Told every attempt's result first (the circuit breaker counts it, even a late one). */
  onAttemptResult?: (record: ExecutionRecord, ok: boolean, now: number) => void;
}

export class AttemptRunner {
  constructor(private readonly deps: AttemptRunnerDeps) {}

  hasDestination(queue: FunctionQueue): boolean {
    if (queue.fn.effectiveExecutionMode !== "DEPLOYMENT") return true;
    if (this.deps.replicas?.ready(queue.name)) return true;
    this.deps.onWaitingForReplica?.(queue.fn);
    return false;
  }

  dispatchNext(queue: FunctionQueue): boolean {
    const record = queue.next();
    if (!record) return false;
    const attempt = queue.acquireSlot(record, this.deps.now());
    this.deps.observer.onDispatched?.(record);
    this.deps.observer.onSlotsChanged?.(queue.name, queue.inFlight);
    const mode = queue.fn.effectiveExecutionMode;
    const endpoint = mode === "DEPLOYMENT" ? this.deps.replicas?.pick(queue.name) : queue.fn.endpointUrl;
    const settled = mode === "REMOTE" ? record.watchAttemptSettled() : NEVER_ABORTED;
    let result: Promise<AttemptResult>;
    try {
      result = this.deps.dispatchers[mode].dispatch({ record, attempt, endpoint, settled });
    } catch (error) {
      result = Promise.reject(error);
    }
    // Dispatchers resolve, never reject (dispatcher.ts); one that breaks that promise is a bug,
    // reported, and its attempt fails, so the slot still comes back.
    result.then(
      (outcome) => this.onAttemptResult(record, attempt, outcome),
      (error: unknown) => this.onDispatchFailed(record, attempt, error),
    );
    return true;
  }

  onAttemptResult(record: ExecutionRecord, attempt: number, result: AttemptResult): void {
    if (attempt !== record.attempt || this.deps.halted?.()) return; // stale (reference §3.2), or handed over
    const now = this.deps.now();
    record.settleAttempt(attempt, now);
    this.deps.onAttemptResult?.(record, result.ok, now);
    if (record.isTerminal) return; // late result after a timeout: discarded
    if (
      !result.ok &&
      shouldRetry(attempt, record.fn.maxRetries) &&
      retryAllowed(record.fn.retryOn, result.retryClass)
    ) {
      this.scheduleRetry(record, result.error);
      return;
    }
    this.finish(record, () =>
      result.ok ? record.succeed(result.output, now, result) : record.fail(result.error, now, result),
    );
  }

  private onDispatchFailed(record: ExecutionRecord, attempt: number, error: unknown): void {
    this.deps.reportError(error, `${record.fn.effectiveExecutionMode} dispatcher`);
    this.onAttemptResult(record, attempt, failure("DISPATCH_ERROR", "The dispatcher failed unexpectedly"));
  }

  private scheduleRetry(record: ExecutionRecord, error: { code: string; message: string }): void {
    const delay = retryDelayMs(record.attempt, record.fn.retryBackoff, this.deps.random);
    record.prepareRetry(error, this.deps.now());
    this.deps.observer.onRetryScheduled?.(record, delay);
    const requeue = () => this.requeue(record);
    if (delay === 0) requeue();
    else setTimeout(requeue, delay);
  }

  private requeue(record: ExecutionRecord): void {
    if (record.isTerminal || record.cancelled || this.deps.halted?.()) return;
    const queue = this.deps.queues.get(record.fn.name);
    const lastError = record.lastError ?? { code: "RETRY_FAILED", message: "Retry could not be queued" };
    if (!queue || queue.removed) {
      const removed = {
        code: "FUNCTION_REMOVED",
        message: `Function '${record.fn.name}' was removed before queued execution could run`,
      };
      this.finish(record, () => record.fail(removed, this.deps.now()));
      return;
    }
    if (!queue.hasRoom(record.lane) || !queue.lane(record.lane).push(record)) {
      this.deps.observer.onRejected?.(queue.name, record.lane, "depth");
      this.finish(record, () => record.fail(lastError, this.deps.now())); // SPEC §1.5: queue full ends it
      return;
    }
    record.requeued(this.deps.now());
    this.deps.observer.onEnqueued?.(record, record.lane);
    this.deps.wake(queue);
  }

  /** Applies a terminal transition and tells the observer when it took effect. */
  finish(record: ExecutionRecord, transition: () => boolean): void {
    if (transition()) this.deps.observer.onFinished?.(record);
  }
}

const NEVER_ABORTED = new AbortController().signal;
