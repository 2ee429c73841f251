/**
 * @module
 * Slows credential guessing: a source (client address) that fails authentication `limit` times
 * within `windowMs` is answered 429 until that window ends, without its credential being checked.
 * Memory is bounded: at most `maxSources` sources are tracked, the oldest dropped first.
 */

export interface FailureLimiterOptions {
  limit?: number;
  windowMs?: number;
  maxSources?: number;
  now?: () => number;
}

interface Window {
  startedAt: number;
  failures: number;
}

export class FailureLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly maxSources: number;
  private readonly now: () => number;

  constructor(options: FailureLimiterOptions = {}) {
    this.limit = options.limit ?? 20;
    this.windowMs = options.windowMs ?? 60_000;
    this.maxSources = options.maxSources ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Seconds until `source` may try again, or 0 when it may try now. */
  blockedFor(source: string): number {
    if (this.windows.size === 0) return 0; // the common case: nobody has failed lately
    const window = this.windows.get(source);
    if (!window || window.failures < this.limit) return 0;
    const left = window.startedAt + this.windowMs - this.now();
    if (left > 0) return Math.ceil(left / 1000);
    this.windows.delete(source);
    return 0;
  }

  fail(source: string): void {
    const now = this.now();
    const window = this.windows.get(source);
    if (window && now - window.startedAt < this.windowMs) {
      window.failures += 1;
      return;
    }
    this.windows.delete(source);
    if (this.windows.size >= this.maxSources) this.windows.delete(this.windows.keys().next().value!);
    this.windows.set(source, { startedAt: now, failures: 1 });
  }
}
