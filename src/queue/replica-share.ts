/**
 * @module
 * This control plane's part of a limit that holds across several replicas (issue 20): with `count`
 * live replicas a function's `concurrency` and rate limits are split evenly, the remainder going to
 * the first ranks, so the sum over replicas is the limit itself — never more, while every replica
 * keeps at least 1 (a limit below the number of replicas is then exceeded by at most `count`;
 * docs/high-availability.md). Ranks come from the sorted list of live replica ids.
 */
export interface ReplicaShare {
  readonly count: number;
  /** 0-based position of this replica among the live ones. */
  readonly rank: number;
}

/** One control plane: every limit is its own. */
export const SOLE_REPLICA: ReplicaShare = { count: 1, rank: 0 };

export function shareOf(total: number, share: ReplicaShare): number {
  if (share.count <= 1) return total;
  const even = Math.floor(total / share.count) + (share.rank < total % share.count ? 1 : 0);
  return Math.max(1, even);
}
