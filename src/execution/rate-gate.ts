/**
 * @module
 * The engine's rate limits (SPEC §1.9): one global fixed window, plus one per function that sets
 * `rateLimitPerSecond`. The only owner of the limiters; the global limit follows the live settings.
 */
import type { ResolvedFunction } from "../domain/resolved-function";
import { FixedWindowRateLimiter } from "../queue/rate-limiter";
import { rejection } from "./admission";
import type { EngineObserver } from "./engine-observer";

export class RateGate {
  private readonly global: FixedWindowRateLimiter;
  private readonly perFunction = new Map<string, FixedWindowRateLimiter>();

  constructor(
    private readonly globalMaxPerSecond: () => number,
    private readonly observer: EngineObserver,
  ) {
    this.global = new FixedWindowRateLimiter(globalMaxPerSecond());
  }

  /** A function was registered or got a new version: its limiter follows the spec (a new window). */
  follow(fn: ResolvedFunction): void {
    if (fn.rateLimitPerSecond) this.perFunction.set(fn.name, new FixedWindowRateLimiter(fn.rateLimitPerSecond));
    else this.perFunction.delete(fn.name);
  }

  forget(name: string): void {
    this.perFunction.delete(name);
  }

  /** Throws RATE_LIMITED when the global window is spent (checked before the function is looked up). */
  acquireGlobal(now: number): void {
    const limiter = this.global;
    limiter.maxPerSecond = this.globalMaxPerSecond();
    if (!limiter.tryAcquire(now)) {
      throw rejection("rate", `Global rate limit of ${limiter.maxPerSecond}/s exceeded`, limiter.retryAfterSeconds);
    }
  }

  /** Throws RATE_LIMITED when the function's own window is spent. */
  acquireFunction(name: string, now: number): void {
    const limiter = this.perFunction.get(name);
    if (!limiter || limiter.tryAcquire(now)) return;
    this.observer.onRejected?.(name, "sync", "rate");
    throw rejection(
      "rate",
      `Rate limit of ${limiter.maxPerSecond}/s exceeded for function '${name}'`,
      limiter.retryAfterSeconds,
    );
  }
}
