/**
 * @module
 * Exponential backoff between restarts of something that keeps failing.
 */

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** Delay before restart number `failures + 1`: base·2^failures, capped at `maxMs`. */
export function backoffDelay(failures: number, policy: BackoffPolicy): number {
  // The exponent is clamped so that a long failure streak cannot overflow to Infinity.
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(failures, 30));
}
