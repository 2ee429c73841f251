/**
 * @module
 * Bearer tokens the OIDC verifier (oidc.ts) has verified, so a client reusing its token pays for
 * the signature check once: keyed by the token string, bounded, each entry valid until the instant
 * it was given (the verifier gives min(exp, verification + TTL), never later than `exp`) and
 * stamped with the generation of the issuer's key set it was verified against, so the verifier can
 * check it again once the keys have changed.
 *
 * Eviction is least-recently-used within a factor of two: a Map iterates in insertion order, so
 * the oldest entry is the first; a hit moves its entry to the young end only once it has aged past
 * half the capacity. The hot path (a client reusing one token) stays one lookup, and a token used
 * at least once per `capacity / 2` insertions is never evicted.
 */

export interface CachedToken<T> {
  value: T;
  /** Epoch ms after which the entry is gone. */
  until: number;
  /** The issuer key set's generation when the token was verified. */
  keysGeneration: number;
  /** Insertion sequence number (for the approximate LRU). */
  seq: number;
}

export class TokenCache<T> {
  private readonly entries = new Map<string, CachedToken<T>>();
  private seq = 0;

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`token cache capacity ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry while `now` is before its `until`; an expired one is dropped. */
  get(token: string, now: number): CachedToken<T> | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.until <= now) {
      this.entries.delete(token);
      return undefined;
    }
    if (this.seq - entry.seq > this.capacity >> 1) {
      this.entries.delete(token);
      entry.seq = ++this.seq;
      this.entries.set(token, entry);
    }
    return entry;
  }

  /** Remembers `value` until `until`; an entry already past it is not stored. */
  set(token: string, value: T, until: number, keysGeneration: number, now: number): void {
    this.entries.delete(token);
    if (until <= now) return;
    while (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    this.entries.set(token, { value, until, keysGeneration, seq: ++this.seq });
  }

  delete(token: string): void {
    this.entries.delete(token);
  }
}
