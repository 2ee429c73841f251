/**
 * @module
 * A per-function circuit breaker (SPEC-platform §6). CLOSED lets everything through and counts
 * failures; `failureThreshold` consecutive failures (or a failure rate over a tumbling window) open
 * it. OPEN dispatches nothing: new sync calls are refused with 503 CIRCUIT_OPEN, async work stays
 * queued. After `resetTimeoutMs` it is HALF_OPEN: `halfOpenRequests` probes go out; all succeeding
 * closes it, one failing opens it again.
 *
 * Only counters and numbers: a CLOSED breaker costs a few comparisons per attempt and allocates
 * nothing (the invoke path is hot). The one timer runs per opening, to wake queued async work.
 */
import type { ResolvedCircuitBreaker } from "./resilience-spec";

export type CircuitState = "CLOSED" | "OPEN" | "HALF_OPEN";

/** What GET shows: the state and since when (ISO-8601 UTC). */
export interface CircuitView {
  state: CircuitState;
  since: string;
}

export interface CircuitHooks {
  now: () => number;
  /** A transition happened (logged and counted by the caller). */
  onTransition: (from: CircuitState, to: CircuitState, reason: string) => void;
  /** The circuit may let work through again (HALF_OPEN): queued work should be looked at. */
  wake: () => void;
}

export class CircuitBreaker {
  private current: CircuitState = "CLOSED";
  private sinceMs: number;
  private consecutiveFailures = 0;
  private windowStart = 0;
  private windowCalls = 0;
  private windowFailures = 0;
  private probesStarted = 0;
  private probesSucceeded = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly config: ResolvedCircuitBreaker,
    private readonly hooks: CircuitHooks,
  ) {
    this.sinceMs = hooks.now();
  }

  /** The state now (an OPEN circuit whose reset timeout passed is HALF_OPEN). */
  get state(): CircuitState {
    this.refresh(this.hooks.now());
    return this.current;
  }

  view(): CircuitView {
    const state = this.state;
    return { state, since: new Date(this.sinceMs).toISOString() };
  }

  /** Whether a new sync call is turned away at once: OPEN, or HALF_OPEN with every probe taken. */
  refusesCalls(now: number): boolean {
    if (this.current === "CLOSED") return false;
    this.refresh(now);
    if (this.current === "OPEN") return true;
    return this.current === "HALF_OPEN" && this.probesStarted >= this.config.halfOpenRequests;
  }

  /** Seconds until the circuit may let a call through (Retry-After), at least 1. */
  retryAfterSeconds(now: number): number {
    if (this.current !== "OPEN") return 1;
    return Math.max(1, Math.ceil((this.sinceMs + this.config.resetTimeoutMs - now) / 1000));
  }

  /** Whether one more attempt may be dispatched now. */
  allowsDispatch(now: number): boolean {
    if (this.current === "CLOSED") return true;
    this.refresh(now);
    return this.current === "HALF_OPEN" && this.probesStarted < this.config.halfOpenRequests;
  }

  /** An attempt was dispatched (after allowsDispatch): in HALF_OPEN it is a probe. */
  onDispatch(): void {
    if (this.current === "HALF_OPEN") this.probesStarted++;
  }

  /** An attempt ended. */
  onResult(ok: boolean, now: number): void {
    if (this.current === "CLOSED") this.countClosed(ok, now);
    else if (this.current === "HALF_OPEN") this.countProbe(ok, now);
    // OPEN: an attempt dispatched before the circuit opened; it changes nothing.
  }

  /** Operator reset (`:reset-circuit`): CLOSED with clean counters. */
  reset(): void {
    this.transition("CLOSED", this.hooks.now(), "reset by an operator");
  }

  /** The function is gone: no timer may outlive it. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private countClosed(ok: boolean, now: number): void {
    const { failureThreshold, failureRateThreshold, windowMs } = this.config;
    if (now - this.windowStart >= windowMs) {
      this.windowStart = now;
      this.windowCalls = 0;
      this.windowFailures = 0;
    }
    this.windowCalls++;
    if (ok) {
      this.consecutiveFailures = 0;
    } else {
      this.windowFailures++;
      this.consecutiveFailures++;
      if (this.consecutiveFailures >= failureThreshold) {
        this.transition("OPEN", now, `${this.consecutiveFailures} consecutive failures`);
        return;
      }
    }
    // The rate is judged on every call: the window may only now hold enough calls to count.
    if (
      failureRateThreshold !== undefined &&
      this.windowCalls >= failureThreshold &&
      this.windowFailures * 100 >= failureRateThreshold * this.windowCalls
    ) {
      this.transition("OPEN", now, `${this.windowFailures} of ${this.windowCalls} calls failed within ${windowMs} ms`);
    }
  }

  private countProbe(ok: boolean, now: number): void {
    if (!ok) {
      this.transition("OPEN", now, "a half-open probe failed");
      return;
    }
    this.probesSucceeded++;
    if (this.probesSucceeded >= this.config.halfOpenRequests) {
      this.transition("CLOSED", now, `${this.probesSucceeded} half-open probe(s) succeeded`);
    }
  }

  private refresh(now: number): void {
    if (this.current === "OPEN" && now - this.sinceMs >= this.config.resetTimeoutMs) {
      this.transition("HALF_OPEN", now, `reset timeout of ${this.config.resetTimeoutMs} ms passed`);
    }
  }

  private transition(to: CircuitState, now: number, reason: string): void {
    const from = this.current;
    this.current = to;
    this.sinceMs = now;
    this.consecutiveFailures = 0;
    this.windowStart = now;
    this.windowCalls = 0;
    this.windowFailures = 0;
    this.probesStarted = 0;
    this.probesSucceeded = 0;
    this.close();
    if (to === "OPEN") this.scheduleProbe();
    if (from !== to) this.hooks.onTransition(from, to, reason);
    if (to !== "OPEN") this.hooks.wake();
  }

  /** Async work waits in its queue while OPEN; this timer lets it go once probing may start. */
  private scheduleProbe(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh(this.hooks.now());
      this.hooks.wake();
    }, this.config.resetTimeoutMs);
    (this.timer as { unref?: () => void }).unref?.();
  }
}
