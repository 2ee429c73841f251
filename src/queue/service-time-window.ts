/**
 * @module
 * How long a function's attempts took over a sliding window, in 100 ms buckets (count and sum per
 * bucket): the mean service time that estimated-wait admission divides the queue by (SPEC §1.3).
 * Preallocated; record() is O(1) and allocation-free.
 *
 * Why service time and not the dispatch rate: the dispatch rate measures demand, not capacity.
 * A function that answers in 20 ms but is called twice a second had a "throughput" of 2/s, so the
 * fifth call of a burst was estimated at 2.5 s and refused (429 est_wait) although it would have
 * waited 20 ms — the unexplained 429s under a mixed steady load (issue 15.8). Service time is a
 * property of the function, stable whatever the arrival pattern.
 */
const BUCKET_MS = 100;

export class ServiceTimeWindow {
  private readonly counts: Float64Array;
  private readonly sums: Float64Array;
  private readonly stamps: Float64Array;

  constructor(readonly windowMs: number) {
    const buckets = Math.max(1, Math.ceil(windowMs / BUCKET_MS));
    this.counts = new Float64Array(buckets);
    this.sums = new Float64Array(buckets);
    this.stamps = new Float64Array(buckets).fill(-1);
  }

  /** One finished attempt that took `durationMs`, finishing at `now`. */
  record(now: number, durationMs: number): void {
    const slot = Math.floor(now / BUCKET_MS);
    const i = slot % this.counts.length;
    if (this.stamps[i] !== slot) {
      this.stamps[i] = slot;
      this.counts[i] = 0;
      this.sums[i] = 0;
    }
    this.counts[i]! += 1;
    this.sums[i]! += Math.max(0, durationMs);
  }

  /** Attempts finished within the window. */
  count(now: number): number {
    return this.total(now, this.counts);
  }

  /** Mean attempt duration within the window, in ms (0 with no attempts). */
  meanMs(now: number): number {
    const count = this.count(now);
    return count === 0 ? 0 : this.total(now, this.sums) / count;
  }

  private total(now: number, values: Float64Array): number {
    const oldest = Math.floor((now - this.windowMs) / BUCKET_MS);
    let total = 0;
    for (let i = 0; i < values.length; i++) if (this.stamps[i]! > oldest) total += values[i]!;
    return total;
  }
}
