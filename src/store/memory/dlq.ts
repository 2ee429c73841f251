/**
 * @module
 * The dead-letter queue in memory (`NANOFAAS_STORE=memory`: nothing survives a restart). Entries
 * are copied in and out, so a caller never holds the stored object.
 */
import { decodeCursor, isAfter, newestFirst, pageOf } from "../cursor";
import type { DeadLetterQuery, DeadLetterRow, DeadLetterRows, Page } from "../state-store";

const position = (row: DeadLetterRow) => ({ at: row.failedAt, id: row.id });

export function createMemoryDeadLetterRows(): DeadLetterRows {
  const byId = new Map<string, DeadLetterRow>();
  const deleteWhere = (matches: (row: DeadLetterRow) => boolean): number => {
    let deleted = 0;
    for (const row of byId.values()) {
      if (!matches(row)) continue;
      byId.delete(row.id);
      deleted++;
    }
    return deleted;
  };
  return {
    add: async (row) => void byId.set(row.id, { ...row }),
    get: async (id) => {
      const row = byId.get(id);
      return row && { ...row };
    },
    list: async (query: DeadLetterQuery): Promise<Page<DeadLetterRow>> => {
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      const rows = [...byId.values()]
        .filter(
          (row) =>
            (query.function === undefined || row.function === query.function) && isAfter(row.failedAt, row.id, after),
        )
        .sort((a, b) => newestFirst(position(a), position(b)))
        .slice(0, query.limit + 1)
        .map((row) => ({ ...row }));
      return pageOf(rows, query.limit, position);
    },
    markReplayed: async (id, executionId) => {
      const row = byId.get(id);
      if (row) row.replayedAs = executionId;
    },
    delete: async (id) => byId.delete(id),
    purge: async (fn) => deleteWhere((row) => fn === undefined || row.function === fn),
    sizes: async () => {
      const sizes = new Map<string, number>();
      for (const row of byId.values()) sizes.set(row.function, (sizes.get(row.function) ?? 0) + 1);
      return sizes;
    },
    sweep: async (failedBefore) => deleteWhere((row) => row.failedAt < failedBefore),
  };
}
