/**
 * @module
 * The dead-letter queue on SQLite (table `dead_letters`, dlq-schema.ts). Writes go through the
 * store's guard, so a failed write marks the store unhealthy and rejects with StoreUnavailableError.
 */
import type { Database } from "bun:sqlite";
import { decodeCursor, pageOf } from "../cursor";
import type { DeadLetterQuery, DeadLetterRow, DeadLetterRows, Page } from "../state-store";
import type { GuardedWrite } from "./core-rows";
import { type Filter, newestFirstPage } from "./list-sql";

interface DeadLetterColumns {
  id: string;
  function: string;
  execution_id: string;
  input: string;
  metadata: string | null;
  error: string | null;
  attempts: number;
  failed_at: number;
  replayed_as: string | null;
  root_execution_id: string | null;
}

const COLUMNS =
  "id, function, execution_id, input, metadata, error, attempts, failed_at, replayed_as, root_execution_id";

const json = (value: unknown) => (value === null ? null : JSON.stringify(value));

function rowOf(c: DeadLetterColumns): DeadLetterRow {
  return {
    id: c.id,
    function: c.function,
    executionId: c.execution_id,
    input: c.input,
    metadata: c.metadata === null ? null : JSON.parse(c.metadata),
    error: c.error === null ? null : JSON.parse(c.error),
    attempts: c.attempts,
    failedAt: c.failed_at,
    replayedAs: c.replayed_as,
    rootExecutionId: c.root_execution_id,
  };
}

/** `write` runs a mutation under the store's health guard; without one, errors are thrown as they are. */
export function createSqliteDeadLetterRows(
  db: Database,
  write: GuardedWrite = (action) => Promise.resolve().then(action),
): DeadLetterRows {
  const insert = db.query(`INSERT INTO dead_letters (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const byId = db.query<DeadLetterColumns, [string]>(`SELECT ${COLUMNS} FROM dead_letters WHERE id = ?`);
  const changes = (sql: string, ...params: (string | number)[]) => write(() => db.query(sql).run(...params).changes);
  return {
    add: (row) =>
      write(() => {
        insert.run(
          row.id,
          row.function,
          row.executionId,
          row.input,
          json(row.metadata),
          json(row.error),
          row.attempts,
          row.failedAt,
          row.replayedAs,
          row.rootExecutionId,
        );
      }),
    get: async (id) => {
      const row = byId.get(id);
      return row ? rowOf(row) : undefined;
    },
    list: async (query: DeadLetterQuery): Promise<Page<DeadLetterRow>> => {
      const filters: Filter[] = query.function === undefined ? [] : [["function = ?", query.function]];
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      const rows = newestFirstPage<DeadLetterColumns>(db, {
        select: `SELECT ${COLUMNS} FROM dead_letters`,
        time: "failed_at",
        filters,
        after,
        limit: query.limit,
      }).map(rowOf);
      return pageOf(rows, query.limit, (row) => ({ at: row.failedAt, id: row.id }));
    },
    markReplayed: async (id, executionId) => {
      await changes("UPDATE dead_letters SET replayed_as = ? WHERE id = ?", executionId, id);
    },
    delete: async (id) => (await changes("DELETE FROM dead_letters WHERE id = ?", id)) > 0,
    purge: (fn) =>
      fn === undefined
        ? changes("DELETE FROM dead_letters")
        : changes("DELETE FROM dead_letters WHERE function = ?", fn),
    sizes: async () => {
      const counts = db
        .query<{ function: string; size: number }, []>(
          "SELECT function, COUNT(*) AS size FROM dead_letters GROUP BY function",
        )
        .all();
      return new Map(counts.map((c) => [c.function, c.size]));
    },
    sweep: (failedBefore) => changes("DELETE FROM dead_letters WHERE failed_at < ?", failedBefore),
  };
}
