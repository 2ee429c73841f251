/**
 * @module
 * Retry rules (SPEC §1.5): `maxRetries` is the maximum number of attempts; the delay before attempt
 * n+1 is min(max, base·2^(n−1)) with ±jitter applied as a fraction of that delay.
 */
import type { ResolvedRetryBackoff } from "../domain/resolved-function";

export function shouldRetry(attempt: number, maxRetries: number): boolean {
  return attempt < maxRetries;
}

/** Delay in ms before the attempt after `failedAttempt`; `random` in [0,1) is injectable for tests. */
export function retryDelayMs(
  failedAttempt: number,
  backoff: ResolvedRetryBackoff,
  random: () => number = Math.random,
): number {
  const exponential = backoff.baseDelayMs * 2 ** Math.max(0, failedAttempt - 1);
  const capped = Math.min(backoff.maxDelayMs, exponential);
  const spread = capped * backoff.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(capped + spread));
}
