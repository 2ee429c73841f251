/**
 * @module
 * The audit log in the SQLite store: appends are buffered and written in one transaction a few
 * milliseconds later (a request never waits on the disk); a failed write keeps the events and is
 * retried with the next batch. Lists are newest first on the shared cursor.
 */
import type { Database } from "bun:sqlite";
import { decodeCursor, pageOf } from "../cursor";
import type { AuditQuery, AuditRow, AuditRows, Page } from "../state-store";
import type { GuardedWrite } from "./core-rows";
import { type Filter, newestFirstPage } from "./list-sql";

const BATCH_DELAY_MS = 20;

interface AuditColumns {
  id: string;
  time: number;
  actor: string;
  tenant: string;
  action: string;
  target: string | null;
  outcome: string;
  status: number;
  request_id: string;
  source: string;
}

const rowOf = ({ request_id, ...rest }: AuditColumns): AuditRow => ({ ...rest, requestId: request_id });

export function createSqliteAuditRows(db: Database, write: GuardedWrite): AuditRows {
  let pending: AuditRow[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  // db.query, not db.prepare: Bun finalizes its cached statements on close; an unfinalized prepared
  // one kept the connection open, so close() left the WAL behind (create-store.test.ts caught it).
  const insert = db.query(
    `INSERT OR IGNORE INTO audit_events (id, time, actor, tenant, action, target, outcome, status, request_id, source)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const commit = db.transaction((rows: AuditRow[]) => {
    for (const r of rows)
      insert.run(r.id, r.time, r.actor, r.tenant, r.action, r.target, r.outcome, r.status, r.requestId, r.source);
  });
  const flush = async () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    try {
      await write(() => commit(rows));
    } catch (error) {
      pending = rows.concat(pending); // kept for the next batch
      throw error;
    }
  };
  return {
    append: (row) => {
      pending.push({ ...row });
      timer ??= setTimeout(() => void flush().catch(() => schedule()), BATCH_DELAY_MS);
    },
    flush,
    list: async (query) => listAudit(db, query),
    sweep: (before) => write(() => db.query("DELETE FROM audit_events WHERE time < ?").run(before).changes),
  };

  function schedule() {
    timer ??= setTimeout(() => void flush().catch(() => schedule()), BATCH_DELAY_MS * 50);
  }
}

function listAudit(db: Database, query: AuditQuery): Page<AuditRow> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const filters: Filter[] = [];
  if (query.since !== undefined) filters.push(["time >= ?", query.since]);
  if (query.actor !== undefined) filters.push(["actor = ?", query.actor]);
  if (query.action !== undefined) filters.push(["action = ?", query.action]);
  if (query.tenant !== undefined) filters.push(["tenant = ?", query.tenant]);
  const rows = newestFirstPage<AuditColumns>(db, {
    select: "SELECT * FROM audit_events",
    time: "time",
    filters,
    after,
    limit: query.limit,
  });
  return pageOf(rows.map(rowOf), query.limit, (row) => ({ at: row.time, id: row.id }));
}
