/**
 * @module
 * `executions` on PostgreSQL: `accept` group-committed and `record` written behind, both through
 * the shared WriteBatcher (batch-commit.ts says what a commit writes); newest-first lists with an
 * opaque cursor, start-up's reload of unfinished rows, claiming the unfinished rows of control
 * planes that are gone (several replicas on one database, issue 20), and the retention sweep.
 */
import type { ExecutionQuery, ExecutionRow, ExecutionRows, Page } from "../state-store";
import { decodeCursor, pageOf } from "../cursor";
import type { WriteBatcher } from "../write-batcher";
import type { BehindRow } from "./batch-commit";
import { type Database, fromJsonText } from "./database";
import { presenceKey } from "./presence";

export type Batcher = WriteBatcher<ExecutionRow, BehindRow>;

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));

// biome-ignore lint/suspicious/noExplicitAny: a database row, shaped by the schema
export const executionFromDb = (r: any): ExecutionRow => ({
  id: r.id,
  function: r.function,
  lane: r.lane,
  status: r.status,
  attempts: r.attempts,
  input: r.input,
  metadata: fromJsonText(r.metadata) as ExecutionRow["metadata"],
  idempotencyKey: r.idempotency_key,
  trace: fromJsonText(r.trace) as ExecutionRow["trace"],
  output: r.output,
  error: fromJsonText(r.error) as ExecutionRow["error"],
  createdAt: Number(r.created_at),
  startedAt: num(r.started_at),
  finishedAt: num(r.finished_at),
  coldStart: r.cold_start,
  initDurationMs: num(r.init_duration_ms),
  parentExecutionId: r.parent_execution_id,
  rootExecutionId: r.root_execution_id,
  // Only when set, as SQLite: a row without a trigger reads back as it was written (the field is optional).
  ...(r.trigger_info ? { trigger: fromJsonText(r.trigger_info) as ExecutionRow["trigger"] } : {}),
});

export function postgresExecutions(db: Database, batcher: Batcher, owner: string): ExecutionRows {
  return {
    accept: (row) => batcher.accept(row),
    record: (row) => batcher.behindWrite(`e:${row.id}`, { kind: "execution", row }),
    flush: () => batcher.flush(),
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
    claimUnfinished: () => claimUnfinished(db, owner),
    sweep: (finishedBefore) =>
      db.query(async (sql) => {
        const result = await sql`DELETE FROM executions
          WHERE finished_at IS NOT NULL AND finished_at < ${finishedBefore}
            AND status NOT IN ('queued', 'running')`;
        return result.count;
      }),
  };
}

/**
 * Takes over the unfinished executions of control planes that are gone (issue 20) and returns
 * them. An owner is gone when its presence lock (presence.ts) is free: taken here as a
 * transaction-scoped lock, so two replicas claiming at once take turns, and the second finds the
 * rows already moved. Rows without an owner (written before schema v4) are claimed as well.
 */
async function claimUnfinished(db: Database, me: string): Promise<ExecutionRow[]> {
  const owners: { owner: string | null }[] = await db.query(
    (sql) => sql`SELECT DISTINCT owner FROM executions
      WHERE status IN ('queued', 'running') AND owner IS DISTINCT FROM ${me}`,
  );
  const claimed: ExecutionRow[] = [];
  for (const { owner } of owners) {
    const rows = await db.query((sql) =>
      sql.begin(async (tx) => {
        if (owner !== null) {
          const [lock] = await tx`SELECT pg_try_advisory_xact_lock(hashtextextended(${presenceKey(owner)}, 0)) AS free`;
          if (!lock.free) return []; // that control plane is alive: its rows stay its own
        }
        return tx`UPDATE executions SET owner = ${me}
          WHERE owner IS NOT DISTINCT FROM ${owner} AND status IN ('queued', 'running')
          RETURNING *`;
      }),
    );
    claimed.push(...rows.map(executionFromDb));
  }
  return claimed.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

async function listExecutions(db: Database, query: ExecutionQuery): Promise<Page<ExecutionRow>> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const rows = await db.query(
    (sql) => sql`SELECT * FROM executions WHERE TRUE
      ${query.function === undefined ? sql`` : sql`AND function = ${query.function}`}
      ${query.root === undefined ? sql`` : sql`AND (root_execution_id = ${query.root} OR id = ${query.root})`}
      ${query.status === undefined ? sql`` : sql`AND status = ${query.status}`}
      ${query.since === undefined ? sql`` : sql`AND created_at >= ${query.since}`}
      ${query.until === undefined ? sql`` : sql`AND created_at <= ${query.until}`}
      ${after === undefined ? sql`` : sql`AND (created_at, id) < (${after.at}, ${after.id})`}
      ORDER BY created_at DESC, id DESC LIMIT ${query.limit + 1}`,
  );
  return pageOf(rows.map(executionFromDb), query.limit, (row) => ({ at: row.createdAt, id: row.id }));
}
