/**
 * @module
 * Fixed-window rate limit aligned to the epoch second (reference control-plane.md §4.1), used for
 * the global limit and for per-function `rateLimitPerSecond`. The limit can change at run time.
 */
export class FixedWindowRateLimiter {
  private windowSecond = -1;
  private count = 0;

  constructor(public maxPerSecond: number) {}

  tryAcquire(now: number): boolean {
    const second = Math.floor(now / 1000);
    if (second !== this.windowSecond) {
      this.windowSecond = second;
      this.count = 0;
    }
    this.count += 1;
    return this.count <= this.maxPerSecond;
  }

  /** Retry-After for a rejection: the window is one second, so the next one opens within 1 s. */
  readonly retryAfterSeconds = 1;
}
