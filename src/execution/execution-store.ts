/**
 * @module
 * Executions by id, with the reference's retention (control-plane.md §3.3). In memory; the small
 * interface lets a durable store replace it (SPEC §5).
 */
import type { ExecutionRecord } from "./execution-record";

export interface RetentionPolicy {
  /** Terminal records older than this (since finishing) are deleted. */
  ttlMs: number;
  /** Terminal records older than this lose their output. */
  cleanupTtlMs: number;
  /** Non-terminal records older than this (since creation) are deleted. */
  maxLifetimeMs: number;
}

export interface ExecutionStore {
  get(id: string): ExecutionRecord | undefined;
  put(record: ExecutionRecord): void;
  delete(id: string): void;
  size(): number;
  values(): IterableIterator<ExecutionRecord>;
  /** Applies the retention policy; returns how many records were deleted. */
  sweep(now: number): number;
}

/**
 * `onRelease` is told when a record leaves the store or loses its payload, so the retention budget
 * (retained-bytes.ts) gets its bytes back.
 */
export function createInMemoryExecutionStore(
  policy: RetentionPolicy,
  onRelease?: (record: ExecutionRecord) => void,
): ExecutionStore {
  const byId = new Map<string, ExecutionRecord>();
  const forget = (record: ExecutionRecord) => {
    byId.delete(record.id);
    onRelease?.(record);
  };
  return {
    get: (id) => byId.get(id),
    put: (record) => void byId.set(record.id, record),
    delete: (id) => {
      const record = byId.get(id);
      if (record) forget(record);
    },
    size: () => byId.size,
    values: () => byId.values(),
    sweep(now) {
      let deleted = 0;
      for (const record of byId.values()) {
        if (record.isTerminal) {
          const age = now - (record.finishedAt ?? record.createdAt);
          if (age > policy.ttlMs) {
            forget(record);
            deleted++;
          } else if (age > policy.cleanupTtlMs) {
            record.dropPayload();
            onRelease?.(record);
          }
        } else if (now - record.createdAt > policy.maxLifetimeMs) {
          forget(record);
          deleted++;
        }
      }
      return deleted;
    },
  };
}
