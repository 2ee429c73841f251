/**
 * @module
 * The audit log in the memory store (NANOFAAS_STORE=memory and tests): newest-first queries on
 * (time, id) with the shared cursor (store/cursor.ts).
 */
import { decodeCursor, isAfter, newestFirst, pageOf } from "../cursor";
import type { AuditQuery, AuditRow, AuditRows } from "../state-store";

export function createMemoryAuditRows(): AuditRows {
  let rows: AuditRow[] = [];
  return {
    append: (row) => void rows.push({ ...row }),
    flush: async () => {},
    list: async (query) => {
      const position = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      const found = rows
        .filter((row) => matchesAudit(row, query) && isAfter(row.time, row.id, position))
        .sort((a, b) => newestFirst({ at: a.time, id: a.id }, { at: b.time, id: b.id }))
        .slice(0, query.limit + 1)
        .map((row) => ({ ...row }));
      return pageOf(found, query.limit, (row) => ({ at: row.time, id: row.id }));
    },
    sweep: async (before) => {
      const kept = rows.filter((row) => row.time >= before);
      const removed = rows.length - kept.length;
      rows = kept;
      return removed;
    },
  };
}

function matchesAudit(row: AuditRow, query: AuditQuery): boolean {
  return (
    (query.since === undefined || row.time >= query.since) &&
    (query.actor === undefined || row.actor === query.actor) &&
    (query.action === undefined || row.action === query.action) &&
    (query.tenant === undefined || row.tenant === query.tenant)
  );
}
