/**
 * @module
 * Events per second over a sliding window, in 100 ms buckets: the recent dispatch throughput of
 * a function, used to estimate how long a new sync call would wait (SPEC §1.3). Preallocated; one
 * record() is O(1) and allocation-free.
 */
const BUCKET_MS = 100;

export class RateWindow {
  private readonly counts: Float64Array;
  private readonly stamps: Float64Array;
  private firstEventAt = -1;

  constructor(readonly windowMs: number) {
    const buckets = Math.max(1, Math.ceil(windowMs / BUCKET_MS));
    this.counts = new Float64Array(buckets);
    this.stamps = new Float64Array(buckets).fill(-1);
  }

  record(now: number): void {
    const slot = Math.floor(now / BUCKET_MS);
    const i = slot % this.counts.length;
    if (this.stamps[i] !== slot) {
      this.stamps[i] = slot;
      this.counts[i] = 0;
    }
    this.counts[i]! += 1;
    if (this.firstEventAt < 0) this.firstEventAt = now;
  }

  /**
   * Events per second over the window — or over the time since the first event when that is
   * shorter, so a function that just started is not judged by 30 s of silence. 0 with no history.
   */
  /** Events recorded in the window (for deciding whether there is enough history to trust). */
  countInWindow(now: number): number {
    const oldest = Math.floor((now - this.windowMs) / BUCKET_MS);
    let total = 0;
    for (let i = 0; i < this.counts.length; i++) if (this.stamps[i]! > oldest) total += this.counts[i]!;
    return total;
  }

  perSecond(now: number): number {
    if (this.firstEventAt < 0) return 0;
    const total = this.countInWindow(now);
    const spanMs = Math.min(this.windowMs, Math.max(BUCKET_MS, now - this.firstEventAt));
    return (total * 1000) / spanMs;
  }
}
