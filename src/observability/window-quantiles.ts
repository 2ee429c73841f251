/**
 * @module
 * The reference's `{quantile="0.5|0.95|0.99"}` series (NANOFAAS_METRICS_REFERENCE_QUANTILES),
 * derived at scrape time from the histogram buckets the hot path already fills — nothing is added
 * per invocation. Like Micrometer's summaries they describe a recent window (about two minutes),
 * not the whole lifetime: each series keeps a few bucket snapshots taken at scrape time, and a
 * quantile is interpolated within the buckets of "now minus the snapshot that starts the window"
 * (the same interpolation as PromQL's histogram_quantile, so the precision is the bucket layout's).
 */
import type { Buckets } from "./metric-family";

export const REFERENCE_QUANTILES = [0.5, 0.95, 0.99] as const;
/** Micrometer's default summary expiry. */
export const QUANTILE_WINDOW_MS = 120_000;
/** A new snapshot at most this often, so a series holds at most window/step + 2 of them. */
export const SNAPSHOT_STEP_MS = 30_000;

interface Snapshot {
  at: number;
  counts: Float64Array;
}

export class WindowQuantiles {
  private readonly snapshots: Snapshot[] = [];

  constructor(private readonly buckets: Buckets) {}

  /**
   * The quantiles of the observations of the last window, at time `now` (a scrape). 0 when the
   * window saw none, as the reference's summaries report an idle function.
   */
  quantiles(now: number, qs: readonly number[] = REFERENCE_QUANTILES): number[] {
    // Keep exactly one snapshot at or beyond the window's start: it is the base.
    while (this.snapshots.length > 1 && now - this.snapshots[1]!.at >= QUANTILE_WINDOW_MS) this.snapshots.shift();
    const base = this.snapshots[0]?.counts;
    const current = this.buckets.counts;
    const delta = new Float64Array(current.length);
    for (let i = 0; i < current.length; i++) delta[i] = current[i]! - (base?.[i] ?? 0);
    const last = this.snapshots.at(-1);
    if (!last || now - last.at >= SNAPSHOT_STEP_MS) this.snapshots.push({ at: now, counts: current.slice() });
    return qs.map((q) => quantileOf(delta, this.buckets.bounds, q));
  }
}

/** histogram_quantile over non-cumulative bucket counts: linear within the bucket holding rank q·n. */
export function quantileOf(counts: Float64Array, bounds: readonly number[], q: number): number {
  let total = 0;
  for (const c of counts) total += c;
  if (total <= 0) return 0;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const inBucket = counts[i]!;
    if (below + inBucket >= rank && inBucket > 0) {
      // Observations above the last bound: report that bound, as histogram_quantile does.
      if (i >= bounds.length) return bounds[bounds.length - 1]!;
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      return lower + (bounds[i]! - lower) * ((rank - below) / inBucket);
    }
    below += inBucket;
  }
  return bounds[bounds.length - 1]!;
}
