/**
 * @module
 * Runs attempts: hands the next queued record of a function to its dispatcher, and applies each
 * attempt's result — slot release (exactly once per attempt), retry with backoff, or the terminal
 * transition (reference §3.2, §3.5; SPEC §1.5, §1.6). The engine owns admission and waiting.
 */
import type { ExecutionMode } from "../domain/function-spec";
import type { ResolvedFunction } from "../domain/resolved-function";
import type { AttemptResult, Dispatcher } from "../dispatch/dispatcher";
import type { FunctionQueue } from "../queue/function-queue";
import type { EngineObserver } from "./engine-observer";
import type { ExecutionRecord } from "./execution-record";
import { retryDelayMs, shouldRetry } from "./retry-policy";

/** Where DEPLOYMENT work goes; POOL uses the function's endpointUrl. */
export interface ReplicaEndpoints {
  ready(name: string): boolean;
  pick(name: string): string | undefined;
}

export interface AttemptRunnerDeps {
  queues: Map<string, FunctionQueue>;
  dispatchers: Record<ExecutionMode, Dispatcher>;
  replicas?: ReplicaEndpoints;
  observer: EngineObserver;
  now: () => number;
  random?: () => number;
  /** Tells the scheduler that `queue` may be able to dispatch (a slot came back, a retry queued). */
  wake: (queue: FunctionQueue) => void;
  /** Called when DEPLOYMENT work is queued and no replica is ready (scale from zero). */
  onWaitingForReplica?: (fn: ResolvedFunction) => void;
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
    const now = this.deps.now();
    const attempt = record.attempt;
    queue.inFlight++;
    record.slotOwner = queue;
    record.dispatchedAttempt = attempt;
    record.markRunning(now);
    this.deps.observer.onDispatched?.(record);
    this.deps.observer.onSlotsChanged?.(queue.name, queue.inFlight);
    const mode = queue.fn.effectiveExecutionMode;
    const endpoint = mode === "DEPLOYMENT" ? this.deps.replicas?.pick(queue.name) : queue.fn.endpointUrl;
    let settled = NEVER_ABORTED;
    if (mode === "REMOTE") {
      record.attemptSettled = new AbortController();
      settled = record.attemptSettled.signal;
    }
    this.deps.dispatchers[mode]
      .dispatch({ record, attempt, endpoint, settled })
      .then((result) => this.onAttemptResult(record, attempt, result));
    return true;
  }

  onAttemptResult(record: ExecutionRecord, attempt: number, result: AttemptResult): void {
    if (attempt !== record.attempt) return; // a stale attempt: ignored entirely (reference §3.2)
    this.releaseSlot(record, attempt);
    if (record.isTerminal) return; // late result after a timeout: discarded
    if (!result.ok && shouldRetry(attempt, record.fn.maxRetries)) {
      this.scheduleRetry(record, result.error);
      return;
    }
    record.coldStart = result.coldStart;
    record.initDurationMs = result.initDurationMs;
    const now = this.deps.now();
    this.finish(record, () => (result.ok ? record.succeed(result.output, now) : record.fail(result.error, now)));
  }

  private releaseSlot(record: ExecutionRecord, attempt: number): void {
    if (record.dispatchedAttempt < attempt || record.releasedAttempt >= attempt) return;
    record.releasedAttempt = attempt;
    record.attemptSettled?.abort();
    const queue = record.slotOwner;
    if (!queue) return;
    queue.inFlight--;
    // The attempt's duration feeds the estimated wait (admission.ts); startedAt is this attempt's.
    if (record.startedAt !== null) {
      const now = this.deps.now();
      queue.serviceTimes.record(now, now - record.startedAt);
    }
    this.deps.observer.onSlotsChanged?.(queue.name, queue.inFlight);
    this.deps.wake(queue);
  }

  private scheduleRetry(record: ExecutionRecord, error: { code: string; message: string }): void {
    record.lastError = error;
    const delay = retryDelayMs(record.attempt, record.fn.retryBackoff, this.deps.random);
    record.prepareRetry(this.deps.now());
    this.deps.observer.onRetryScheduled?.(record, delay);
    const requeue = () => this.requeue(record);
    if (delay === 0) requeue();
    else setTimeout(requeue, delay);
  }

  private requeue(record: ExecutionRecord): void {
    if (record.isTerminal || record.cancelled) return;
    const queue = this.deps.queues.get(record.fn.name);
    const lastError = record.lastError ?? { code: "RETRY_FAILED", message: "Retry could not be queued" };
    if (!queue || queue.removed) {
      const removed = { code: "FUNCTION_REMOVED", message: `Function '${record.fn.name}' was removed before queued execution could run` };
      this.finish(record, () => record.fail(removed, this.deps.now()));
      return;
    }
    if (!queue.lane(record.lane).push(record)) {
      this.deps.observer.onRejected?.(queue.name, record.lane, "depth");
      this.finish(record, () => record.fail(lastError, this.deps.now())); // SPEC §1.5: queue full ends it
      return;
    }
    record.enqueuedAt = this.deps.now();
    this.deps.observer.onEnqueued?.(record, record.lane);
    this.deps.wake(queue);
  }

  /** Applies a terminal transition and tells the observer when it took effect. */
  finish(record: ExecutionRecord, transition: () => boolean): void {
    if (transition()) this.deps.observer.onFinished?.(record);
  }
}

const NEVER_ABORTED = new AbortController().signal;
