/**
 * @module
 * One execution and its state machine (reference control-plane.md §3.1): queued → running →
 * success | error | timeout, with retries going back to queued. Terminal states are sticky. The
 * record also carries what dispatch needs (request body, trace headers) so nothing is recomputed
 * per attempt.
 */
import type { Payload } from "../domain/payload";
import type { ErrorInfo, InvocationRequest, Json } from "../contracts/pod";
import { jsonText } from "../lib/raw-json";
import type { ResolvedFunction } from "../domain/resolved-function";
import type { ExecutionState, ExecutionView, InvocationOutcome, Lineage, TriggerInfo } from "./invoker";

export type Lane = "sync" | "async";

export interface TraceContext {
  traceId?: string;
  traceparent?: string;
  tracestate?: string;
}

const isTerminalState = (s: ExecutionState) => s === "success" || s === "error" || s === "timeout";

/**
 * Gives an attempt's concurrency slot back to the queue it came from; `startedAt` is when the
 * attempt was dispatched (its duration feeds the queue's wait estimate).
 */
export type SlotRelease = (now: number, startedAt: number | null) => void;

/** Cold-start facts of the attempt that ended an execution. */
export interface ColdStartInfo {
  coldStart: boolean;
  initDurationMs: number | null;
}

/**
 * Every field is written by this class's own transitions only (readers get getters). The slot an
 * attempt holds is given back through the release function the queue handed to `beginAttempt`,
 * exactly once per attempt, by `settleAttempt`.
 */
export class ExecutionRecord {
  private _state: ExecutionState = "queued";
  private _attempt = 1;
  private _dispatchedAttempt = 0;
  private _releasedAttempt = 0;
  /** Gives back the running attempt's concurrency slot (to the queue it came from, even if the function was re-registered since). */
  private releaseSlot: SlotRelease | undefined;
  /** REMOTE attempts wait for a callback; aborting this tells the job dispatcher to stop waiting. */
  private attemptSettled: AbortController | undefined;
  private _enqueuedAt: number;
  private _startedAt: number | null = null;
  private _finishedAt: number | null = null;
  private _output: Payload | null = null;
  private _error: ErrorInfo | null = null;
  private _coldStart = false;
  private _initDurationMs: number | null = null;
  private _lastError: ErrorInfo | null = null;
  private _cancelled = false;
  private _retainedBytes = 0;
  /** Sync callers to wake at the terminal transition; allocated by the first one (async records never have any). */
  private waiters: (() => void)[] | undefined;
  private bodyCache: string | undefined;
  /** Start of the latest attempt; a retry clears startedAt, a timeout that ends the wait restores it. */
  private lastStartedAt: number | null = null;

  constructor(
    readonly id: string,
    readonly fn: ResolvedFunction,
    readonly request: InvocationRequest<Payload>,
    readonly lane: Lane,
    readonly trace: TraceContext,
    /** Sent to the pod on the first attempt only (reference §3.5). */
    readonly idempotencyKey: string | undefined,
    readonly createdAt: number,
    /** Set on a DLQ replay: the execution it replays, and the first of that chain. */
    readonly lineage: Lineage | null = null,
    /** Set when a trigger (cron, webhook) started it. */
    readonly trigger: TriggerInfo | null = null,
  ) {
    this._enqueuedAt = createdAt;
  }

  get state(): ExecutionState {
    return this._state;
  }
  /** 1-based number of the current (or next) attempt. */
  get attempt(): number {
    return this._attempt;
  }
  /** Highest attempt handed to a dispatcher (its slot is held until released). */
  get dispatchedAttempt(): number {
    return this._dispatchedAttempt;
  }
  /** Highest attempt whose concurrency slot has been released (slots are released once each). */
  get releasedAttempt(): number {
    return this._releasedAttempt;
  }
  /** When the record last entered a lane. */
  get enqueuedAt(): number {
    return this._enqueuedAt;
  }
  get startedAt(): number | null {
    return this._startedAt;
  }
  get finishedAt(): number | null {
    return this._finishedAt;
  }
  get output(): Payload | null {
    return this._output;
  }
  get error(): ErrorInfo | null {
    return this._error;
  }
  get coldStart(): boolean {
    return this._coldStart;
  }
  get initDurationMs(): number | null {
    return this._initDurationMs;
  }
  /** Last failed attempt's error, kept for "retry could not be queued" (SPEC §1.5). */
  get lastError(): ErrorInfo | null {
    return this._lastError;
  }
  /** Set when a sync caller gave up while the work was still queued: never dispatch it. */
  get cancelled(): boolean {
    return this._cancelled;
  }
  /** Bytes of input and output charged to the retention budget (retained-bytes.ts). */
  get retainedBytes(): number {
    return this._retainedBytes;
  }

  get isTerminal(): boolean {
    return isTerminalState(this._state);
  }

  /** The pod request body, serialised once and reused by every attempt. */
  get body(): string {
    // Spliced, not re-serialised: the input reaches the pod byte for byte as the client sent it.
    this.bodyCache ??= `{"input":${jsonText(this.request.input)},"metadata":${JSON.stringify(this.request.metadata ?? null)}}`;
    return this.bodyCache;
  }

  /**
   * The current attempt was handed to a dispatcher, holding a slot that `releaseSlot` gives back
   * (called by the queue's `acquireSlot`). Returns the attempt's number.
   */
  beginAttempt(now: number, releaseSlot: SlotRelease): number {
    this._dispatchedAttempt = this._attempt;
    this.releaseSlot = releaseSlot;
    if (!this.isTerminal) {
      this._state = "running";
      this._startedAt = now;
      this.lastStartedAt = now;
    }
    return this._attempt;
  }

  /** A signal aborted when the current attempt settles (a REMOTE Job stops waiting for its callback). */
  watchAttemptSettled(): AbortSignal {
    this.attemptSettled = new AbortController();
    return this.attemptSettled.signal;
  }

  /**
   * `attempt` has a result (or will never have one that counts): gives back its slot. True only
   * the first time for a dispatched attempt; false for one never dispatched or already settled.
   */
  settleAttempt(attempt: number, now: number): boolean {
    if (this._dispatchedAttempt < attempt || this._releasedAttempt >= attempt) return false;
    this._releasedAttempt = attempt;
    this.attemptSettled?.abort();
    this.attemptSettled = undefined;
    const release = this.releaseSlot;
    this.releaseSlot = undefined;
    release?.(now, this._startedAt);
    return true;
  }

  /** Back to queued for the next attempt; clears what the failed attempt left (reference §3.5). */
  prepareRetry(lastError: ErrorInfo, now: number): void {
    this._lastError = lastError;
    this._attempt += 1;
    this._state = "queued";
    this._enqueuedAt = now;
    this._startedAt = null;
    this._output = null;
    this._error = null;
    this._coldStart = false;
    this._initDurationMs = null;
  }

  /**
   * Start-up recovery (issue 17): the execution resumes at attempt `attempt` (a queued one keeps its
   * number; one that was running when the control plane died gets the next, at-least-once).
   */
  resumeAt(attempt: number): void {
    if (this._dispatchedAttempt === 0) this._attempt = Math.max(1, attempt);
  }

  /** The record entered a lane again (a retry after its backoff). */
  requeued(now: number): void {
    this._enqueuedAt = now;
  }

  /** A sync caller gave up while the record was queued: it must never be dispatched. */
  cancel(): void {
    this._cancelled = true;
  }

  /** Terminal transitions return false when the record was already terminal (nothing changes). */
  succeed(output: Payload | null, now: number, cold?: ColdStartInfo): boolean {
    return this.finish("success", output, null, now, cold);
  }

  fail(error: ErrorInfo, now: number, cold?: ColdStartInfo): boolean {
    return this.finish("error", null, error, now, cold);
  }

  /** Ends the execution as `timeout`, with an error that says why (the reference left it null). */
  timeOut(now: number, message: string): boolean {
    if (this.isTerminal) return false;
    this._startedAt ??= this.lastStartedAt;
    return this.finish("timeout", null, { code: "TIMEOUT", message }, now, undefined);
  }

  private finish(
    state: ExecutionState,
    output: Payload | null,
    error: ErrorInfo | null,
    now: number,
    cold: ColdStartInfo | undefined,
  ): boolean {
    if (this.isTerminal) return false;
    this._state = state;
    this._output = output;
    this._error = error;
    this._finishedAt = now;
    if (cold) {
      this._coldStart = cold.coldStart;
      this._initDurationMs = cold.initDurationMs;
    }
    // Terminal records stay in the store for minutes (reference §3.3): keep nothing only a running
    // execution needs. The pod body is rebuilt from the request if anything asks for it again.
    this.bodyCache = undefined;
    const waiters = this.waiters;
    this.waiters = undefined;
    if (waiters) for (const wake of waiters) wake();
    return true;
  }

  /** Whether a caller waits for this record's end (a sync invocation, a workflow step). */
  get awaited(): boolean {
    return this.waiters !== undefined;
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

  /** The retention budget charged this record `size` more bytes (retained-bytes.ts). */
  chargeRetained(size: number): void {
    this._retainedBytes += size;
  }

  /** Frees the record's charge on the retention budget; returns the bytes it held. */
  releaseRetained(): number {
    const bytes = this._retainedBytes;
    this._retainedBytes = 0;
    return bytes;
  }

  /** Keeps `marker` instead of a finished execution's output too large to retain (its caller already had it). */
  replaceOutput(marker: Json): void {
    if (this.isTerminal && this._output !== null) this._output = marker;
  }

  /** Drops the output (and request) of an old terminal record (reference §3.3 cleanup-ttl). */
  dropPayload(): void {
    this._output = null;
    (this as { request: InvocationRequest<Payload> }).request = { input: null };
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
      function: this.fn.versionOf ?? this.fn.name,
      ...(this.fn.version === undefined ? {} : { version: this.fn.version }),
      attempts: this.attempt,
      createdAt: new Date(this.createdAt).toISOString(),
      parentExecutionId: this.lineage?.parentExecutionId ?? null,
      rootExecutionId: this.lineage?.rootExecutionId ?? null,
      trigger: this.trigger,
    };
  }
}
