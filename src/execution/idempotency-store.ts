/**
 * @module
 * Idempotency keys (reference control-plane.md §3.4): scoped per function, shared by `:invoke` and
 * `:enqueue`, expiring 5 minutes after they were published. Admission is synchronous in this
 * engine, so a key is published right after admission succeeds with no "pending" state to spin on.
 */
export const IDEMPOTENCY_TTL_MS = 5 * 60_000;

export interface IdempotencyStore {
  lookup(functionName: string, key: string, now: number): string | undefined;
  publish(functionName: string, key: string, executionId: string, now: number): void;
  forgetFunction(functionName: string): void;
  /** Drops `key` if it still names `executionId` (an admission the store refused). */
  forget(functionName: string, key: string, executionId: string): void;
  sweep(now: number): void;
}

export function createInMemoryIdempotencyStore(ttlMs = IDEMPOTENCY_TTL_MS): IdempotencyStore {
  const entries = new Map<string, { executionId: string; expiresAt: number }>();
  const scoped = (fn: string, key: string) => `${fn}\u0000${key}`;
  return {
    lookup(fn, key, now) {
      const entry = entries.get(scoped(fn, key));
      if (!entry) return undefined;
      if (entry.expiresAt <= now) {
        entries.delete(scoped(fn, key));
        return undefined;
      }
      return entry.executionId;
    },
    publish(fn, key, executionId, now) {
      entries.set(scoped(fn, key), { executionId, expiresAt: now + ttlMs });
    },
    forget(fn, key, executionId) {
      if (entries.get(scoped(fn, key))?.executionId === executionId) entries.delete(scoped(fn, key));
    },
    forgetFunction(fn) {
      const prefix = `${fn}\u0000`;
      for (const k of entries.keys()) if (k.startsWith(prefix)) entries.delete(k);
    },
    sweep(now) {
      for (const [k, entry] of entries) if (entry.expiresAt <= now) entries.delete(k);
    },
  };
}
