/**
 * @module
 * The engine's rate limits (SPEC §1.9): one global fixed window, plus one per function that sets
 * `rateLimitPerSecond`. The only owner of the limiters; the global limit follows the live settings.
 */
import type { ResolvedFunction } from "../domain/resolved-function";
import { FixedWindowRateLimiter } from "../queue/rate-limiter";
import { type ReplicaShare, SOLE_REPLICA, shareOf } from "../queue/replica-share";
import { rejection } from "./admission";
import type { EngineObserver } from "./engine-observer";

export class RateGate {
  private readonly global: FixedWindowRateLimiter;
  /** Each limiter with the function's whole limit, of which this replica enforces its share. */
  private readonly perFunction = new Map<string, { limiter: FixedWindowRateLimiter; total: number }>();
  /** Several control planes share each limit (issue 20): this one admits its part. */
  private share: ReplicaShare = SOLE_REPLICA;

  constructor(
    private readonly globalMaxPerSecond: () => number,
    private readonly observer: EngineObserver,
  ) {
    this.global = new FixedWindowRateLimiter(globalMaxPerSecond());
  }

  /** A function was registered or got a new version: its limiter follows the spec (a new window). */
  follow(fn: ResolvedFunction): void {
    const total = fn.rateLimitPerSecond;
    if (total)
      this.perFunction.set(fn.name, { limiter: new FixedWindowRateLimiter(shareOf(total, this.share)), total });
    else this.perFunction.delete(fn.name);
  }

  /** The live replicas changed: every limit admits this replica's part from the next call. */
  setReplicaShare(share: ReplicaShare): void {
    this.share = share;
    for (const entry of this.perFunction.values()) entry.limiter.maxPerSecond = shareOf(entry.total, share);
  }

  forget(name: string): void {
    this.perFunction.delete(name);
  }

  /** Throws RATE_LIMITED when the global window is spent (checked before the function is looked up). */
  acquireGlobal(now: number): void {
    const limiter = this.global;
    limiter.maxPerSecond = shareOf(this.globalMaxPerSecond(), this.share);
    if (!limiter.tryAcquire(now)) {
      throw rejection("rate", `Global rate limit of ${limiter.maxPerSecond}/s exceeded`, limiter.retryAfterSeconds);
    }
  }

  /** Throws RATE_LIMITED when the function's own window is spent. */
  acquireFunction(name: string, now: number): void {
    const limiter = this.perFunction.get(name)?.limiter;
    if (!limiter || limiter.tryAcquire(now)) return;
    this.observer.onRejected?.(name, "sync", "rate");
    throw rejection(
      "rate",
      `Rate limit of ${limiter.maxPerSecond}/s exceeded for function '${name}'`,
      limiter.retryAfterSeconds,
    );
  }
}
