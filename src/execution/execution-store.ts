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

export function createInMemoryExecutionStore(policy: RetentionPolicy): ExecutionStore {
  const byId = new Map<string, ExecutionRecord>();
  return {
    get: (id) => byId.get(id),
    put: (record) => void byId.set(record.id, record),
    delete: (id) => void byId.delete(id),
    size: () => byId.size,
    values: () => byId.values(),
    sweep(now) {
      let deleted = 0;
      for (const record of byId.values()) {
        if (record.isTerminal) {
          const age = now - (record.finishedAt ?? record.createdAt);
          if (age > policy.ttlMs) {
            byId.delete(record.id);
            deleted++;
          } else if (age > policy.cleanupTtlMs) {
            record.dropPayload();
          }
        } else if (now - record.createdAt > policy.maxLifetimeMs) {
          byId.delete(record.id);
          deleted++;
        }
      }
      return deleted;
    },
  };
}
