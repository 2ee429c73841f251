/**
 * @module
 * One execution and its state machine (reference control-plane.md §3.1): queued → running →
 * success | error | timeout, with retries going back to queued. Terminal states are sticky. The
 * record also carries what dispatch needs (request body, trace headers) so nothing is recomputed
 * per attempt.
 */
import type { ErrorInfo, InvocationRequest, Json } from "../contracts/pod";
import type { ResolvedFunction } from "../domain/resolved-function";
import type { FunctionQueue } from "../queue/function-queue";
import type { ExecutionState, ExecutionView, InvocationOutcome } from "./invoker";

export type Lane = "sync" | "async";

export interface TraceContext {
  traceId?: string;
  traceparent?: string;
  tracestate?: string;
}

const isTerminalState = (s: ExecutionState) => s === "success" || s === "error" || s === "timeout";

export class ExecutionRecord {
  state: ExecutionState = "queued";
  /** 1-based number of the current (or next) attempt. */
  attempt = 1;
  /** Highest attempt handed to a dispatcher (its slot is held until released). */
  dispatchedAttempt = 0;
  /** Highest attempt whose concurrency slot has been released (slots are released once each). */
  releasedAttempt = 0;
  /** The queue whose slot the running attempt holds (the function may be re-registered meanwhile). */
  slotOwner: FunctionQueue | undefined;
  /** REMOTE attempts wait for a callback; aborting this tells the job dispatcher to stop waiting. */
  attemptSettled: AbortController | undefined;
  enqueuedAt: number;
  startedAt: number | null = null;
  finishedAt: number | null = null;
  output: Json | null = null;
  error: ErrorInfo | null = null;
  coldStart = false;
  initDurationMs: number | null = null;
  /** Last attempt's error, kept for "retry could not be queued" (SPEC §1.5). */
  lastError: ErrorInfo | null = null;
  /** Bytes of input and output charged to the retention budget (retained-bytes.ts). */
  retainedBytes = 0;
  /** Set when a sync caller gave up while the work was still queued: never dispatch it. */
  cancelled = false;
  /** Sync callers to wake at the terminal transition; allocated by the first one (async records never have any). */
  private waiters: (() => void)[] | undefined;
  private bodyCache: string | undefined;

  constructor(
    readonly id: string,
    readonly fn: ResolvedFunction,
    readonly request: InvocationRequest,
    readonly lane: Lane,
    readonly trace: TraceContext,
    /** Sent to the pod on the first attempt only (reference §3.5). */
    readonly idempotencyKey: string | undefined,
    readonly createdAt: number,
  ) {
    this.enqueuedAt = createdAt;
  }

  get isTerminal(): boolean {
    return isTerminalState(this.state);
  }

  /** The pod request body, serialised once and reused by every attempt. */
  get body(): string {
    this.bodyCache ??= JSON.stringify({ input: this.request.input, metadata: this.request.metadata ?? null });
    return this.bodyCache;
  }

  markRunning(now: number): void {
    if (this.isTerminal) return;
    this.state = "running";
    this.startedAt = now;
  }

  /** Back to queued for the next attempt; clears what the failed attempt left (reference §3.5). */
  prepareRetry(now: number): void {
    this.attempt += 1;
    this.state = "queued";
    this.enqueuedAt = now;
    this.startedAt = null;
    this.output = null;
    this.error = null;
    this.coldStart = false;
    this.initDurationMs = null;
  }

  succeed(output: Json | null, now: number): boolean {
    return this.finish("success", output, null, now);
  }

  fail(error: ErrorInfo, now: number): boolean {
    return this.finish("error", null, error, now);
  }

  timeOut(now: number): boolean {
    return this.finish("timeout", null, null, now);
  }

  private finish(state: ExecutionState, output: Json | null, error: ErrorInfo | null, now: number): boolean {
    if (this.isTerminal) return false;
    this.state = state;
    this.output = output;
    this.error = error;
    this.finishedAt = now;
    // Terminal records stay in the store for minutes (reference §3.3): keep nothing only a running
    // execution needs. The pod body is rebuilt from the request if anything asks for it again.
    this.bodyCache = undefined;
    const waiters = this.waiters;
    this.waiters = undefined;
    if (waiters) for (const wake of waiters) wake();
    return true;
  }

  /** Calls `wake` once the record is terminal: now if it already is, else from its terminal transition. */
  onSettled(wake: () => void): void {
    if (this.isTerminal) {
      wake();
      return;
    }
    this.waiters ??= [];
    this.waiters.push(wake);
  }

  /** Resolves when the record reaches a terminal state. */
  settled(): Promise<void> {
    return new Promise((resolve) => this.onSettled(resolve));
  }

  /** Drops the output (and request) of an old terminal record (reference §3.3 cleanup-ttl). */
  dropPayload(): void {
    this.output = null;
    (this as { request: InvocationRequest }).request = { input: null };
    this.bodyCache = undefined;
  }

  outcome(): InvocationOutcome {
    return { executionId: this.id, status: this.state, output: this.output, error: this.error };
  }

  view(): ExecutionView {
    return {
      executionId: this.id,
      status: this.state,
      startedAt: this.startedAt === null ? null : new Date(this.startedAt).toISOString(),
      finishedAt: this.finishedAt === null ? null : new Date(this.finishedAt).toISOString(),
      output: this.output,
      error: this.error,
      coldStart: this.coldStart,
      initDurationMs: this.initDurationMs,
    };
  }
}
