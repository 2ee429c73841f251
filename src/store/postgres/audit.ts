/**
 * @module
 * The audit log on PostgreSQL: write-behind appends through the shared WriteBatcher (a request
 * never waits on them; a failed batch is retried), newest-first lists by `(time, id)` with filters and an opaque cursor, retention sweep.
 */
import type { AuditQuery, AuditRow, AuditRows, Page } from "../state-store";
import { decodeCursor, pageOf } from "../cursor";
import type { Database } from "./database";
import type { Batcher } from "./executions";

// biome-ignore lint/suspicious/noExplicitAny: a database row, shaped by the schema
const fromDb = (r: any): AuditRow => ({
  id: r.id,
  time: Number(r.time),
  actor: r.actor,
  tenant: r.tenant,
  action: r.action,
  target: r.target,
  outcome: r.outcome,
  status: r.status,
  requestId: r.request_id,
  source: r.source,
});

export function postgresAudit(db: Database, batcher: Batcher): AuditRows {
  return {
    append: (row) => batcher.behindWrite(`a:${row.id}`, { kind: "audit", row }),
    flush: () => batcher.flush(),
    list: (query) => listAudit(db, query),
    sweep: (before) => db.query(async (sql) => (await sql`DELETE FROM audit_events WHERE time < ${before}`).count),
  };
}

async function listAudit(db: Database, query: AuditQuery): Promise<Page<AuditRow>> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const rows = await db.query(
    (sql) => sql`SELECT * FROM audit_events WHERE TRUE
      ${query.since === undefined ? sql`` : sql`AND time >= ${query.since}`}
      ${query.actor === undefined ? sql`` : sql`AND actor = ${query.actor}`}
      ${query.action === undefined ? sql`` : sql`AND action = ${query.action}`}
      ${query.tenant === undefined ? sql`` : sql`AND tenant = ${query.tenant}`}
      ${after === undefined ? sql`` : sql`AND (time, id) < (${after.at}, ${after.id})`}
      ORDER BY time DESC, id DESC LIMIT ${query.limit + 1}`,
  );
  return pageOf(rows.map(fromDb), query.limit, (row) => ({ at: row.time, id: row.id }));
}
