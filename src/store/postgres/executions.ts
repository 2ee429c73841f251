/**
 * @module
 * `executions` on PostgreSQL: `accept` group-committed (durable before `:enqueue` answers 202),
 * `record` write-behind (an upsert of the row's latest state, batched, retried while the database is
 * away), newest-first lists with an opaque cursor, start-up's reload of unfinished rows, and the
 * retention sweep. `accept` inserts ON CONFLICT DO NOTHING: if a `record` of the same execution's
 * later state got there first, the older "queued" state must not overwrite it.
 */
import type { ExecutionQuery, ExecutionRow, ExecutionRows, Page } from "../state-store";
import { decodeCursor, pageOf } from "../cursor";
import type { Database, Sql } from "./database";
import { GroupCommit } from "./group-commit";
import { WriteBehind, type WriteBehindOptions } from "./write-behind";

const toDb = (row: ExecutionRow) => ({
  id: row.id,
  function: row.function,
  lane: row.lane,
  status: row.status,
  attempts: row.attempts,
  input: row.input,
  metadata: row.metadata,
  idempotency_key: row.idempotencyKey,
  trace: row.trace,
  output: row.output,
  error: row.error,
  created_at: row.createdAt,
  started_at: row.startedAt,
  finished_at: row.finishedAt,
  cold_start: row.coldStart,
  init_duration_ms: row.initDurationMs,
  parent_execution_id: row.parentExecutionId,
  root_execution_id: row.rootExecutionId,
});

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));

// biome-ignore lint/suspicious/noExplicitAny: a database row, shaped by the schema
export const executionFromDb = (r: any): ExecutionRow => ({
  id: r.id,
  function: r.function,
  lane: r.lane,
  status: r.status,
  attempts: r.attempts,
  input: r.input,
  metadata: r.metadata,
  idempotencyKey: r.idempotency_key,
  trace: r.trace,
  output: r.output,
  error: r.error,
  createdAt: Number(r.created_at),
  startedAt: num(r.started_at),
  finishedAt: num(r.finished_at),
  coldStart: r.cold_start,
  initDurationMs: num(r.init_duration_ms),
  parentExecutionId: r.parent_execution_id,
  rootExecutionId: r.root_execution_id,
});

/** One multi-row statement, one commit: `accept` keeps an existing row, `record` overwrites it. */
async function insertRows(sql: Sql, rows: ExecutionRow[], keepExisting: boolean) {
  const values = sql(rows.map(toDb));
  if (keepExisting) {
    await sql`INSERT INTO executions ${values} ON CONFLICT (id) DO NOTHING`;
    return;
  }
  await sql`INSERT INTO executions ${values} ON CONFLICT (id) DO UPDATE SET
    status = EXCLUDED.status, attempts = EXCLUDED.attempts, metadata = EXCLUDED.metadata,
    idempotency_key = EXCLUDED.idempotency_key, trace = EXCLUDED.trace, output = EXCLUDED.output,
    error = EXCLUDED.error, started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at,
    cold_start = EXCLUDED.cold_start, init_duration_ms = EXCLUDED.init_duration_ms,
    parent_execution_id = EXCLUDED.parent_execution_id, root_execution_id = EXCLUDED.root_execution_id`;
}

/** Rows of one batch with unique ids (the last state of each wins), as Postgres needs for an upsert. */
const lastPerId = (rows: ExecutionRow[]) => [...new Map(rows.map((row) => [row.id, row])).values()];

export function postgresExecutions(db: Database, writeBehind: WriteBehindOptions): ExecutionRows {
  const accepts = new GroupCommit<ExecutionRow>((rows) => db.query((sql) => insertRows(sql, lastPerId(rows), true)));
  const records = new WriteBehind<ExecutionRow>((rows) => db.query((sql) => insertRows(sql, rows, false)), writeBehind);
  return {
    accept: (row) => accepts.add(row),
    record: (row) => records.push(row.id, row),
    flush: () => records.flush(),
    get: async (id) => {
      const rows = await db.query((sql) => sql`SELECT * FROM executions WHERE id = ${id}`);
      return rows[0] ? executionFromDb(rows[0]) : undefined;
    },
    list: (query) => listExecutions(db, query),
    loadUnfinished: async () => {
      const rows = await db.query(
        (sql) => sql`SELECT * FROM executions WHERE status IN ('queued', 'running') ORDER BY created_at, id`,
      );
      return rows.map(executionFromDb);
    },
    sweep: (finishedBefore) =>
      db.query(async (sql) => {
        const result = await sql`DELETE FROM executions
          WHERE finished_at IS NOT NULL AND finished_at < ${finishedBefore}
            AND status NOT IN ('queued', 'running')`;
        return result.count;
      }),
  };
}

async function listExecutions(db: Database, query: ExecutionQuery): Promise<Page<ExecutionRow>> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const rows = await db.query(
    (sql) => sql`SELECT * FROM executions WHERE TRUE
      ${query.function === undefined ? sql`` : sql`AND function = ${query.function}`}
      ${query.status === undefined ? sql`` : sql`AND status = ${query.status}`}
      ${query.since === undefined ? sql`` : sql`AND created_at >= ${query.since}`}
      ${query.until === undefined ? sql`` : sql`AND created_at <= ${query.until}`}
      ${after === undefined ? sql`` : sql`AND (created_at, id) < (${after.at}, ${after.id})`}
      ORDER BY created_at DESC, id DESC LIMIT ${query.limit + 1}`,
  );
  return pageOf(rows.map(executionFromDb), query.limit, (row) => ({ at: row.createdAt, id: row.id }));
}
