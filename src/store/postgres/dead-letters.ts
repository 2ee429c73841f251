/**
 * @module
 * The dead-letter queue on PostgreSQL: durable adds, newest-first lists by `(failedAt, id)` with an
 * opaque cursor, replay marks, deletes, purges (one function or all), per-function sizes for the
 * gauge, and the retention sweep.
 */
import type { DeadLetterQuery, DeadLetterRow, DeadLetterRows, Page } from "../state-store";
import { decodeCursor, pageOf } from "../cursor";
import { type Database, fromJsonText, toJsonText } from "./database";

// biome-ignore lint/suspicious/noExplicitAny: a database row, shaped by the schema
const fromDb = (r: any): DeadLetterRow => ({
  id: r.id,
  function: r.function,
  executionId: r.execution_id,
  input: r.input,
  metadata: fromJsonText(r.metadata) as DeadLetterRow["metadata"],
  error: fromJsonText(r.error) as DeadLetterRow["error"],
  attempts: r.attempts,
  failedAt: Number(r.failed_at),
  replayedAs: r.replayed_as,
  rootExecutionId: r.root_execution_id,
});

export function postgresDeadLetters(db: Database): DeadLetterRows {
  return {
    add: async (row) => {
      await db.query(
        (sql) =>
          sql`INSERT INTO dead_letters ${sql({
            id: row.id,
            function: row.function,
            execution_id: row.executionId,
            input: row.input,
            metadata: toJsonText(row.metadata),
            error: toJsonText(row.error),
            attempts: row.attempts,
            failed_at: row.failedAt,
            replayed_as: row.replayedAs,
            root_execution_id: row.rootExecutionId,
          })}`,
      );
    },
    get: async (id) => {
      const rows = await db.query((sql) => sql`SELECT * FROM dead_letters WHERE id = ${id}`);
      return rows[0] ? fromDb(rows[0]) : undefined;
    },
    list: (query) => listDeadLetters(db, query),
    markReplayed: async (id, executionId) => {
      await db.query((sql) => sql`UPDATE dead_letters SET replayed_as = ${executionId} WHERE id = ${id}`);
    },
    delete: (id) => db.query(async (sql) => (await sql`DELETE FROM dead_letters WHERE id = ${id}`).count > 0),
    purge: (fn) =>
      db.query(async (sql) => {
        const result =
          fn === undefined
            ? await sql`DELETE FROM dead_letters`
            : await sql`DELETE FROM dead_letters WHERE function = ${fn}`;
        return result.count;
      }),
    sizes: async () => {
      const rows = await db.query(
        (sql) => sql`SELECT function, COUNT(*)::int AS size FROM dead_letters GROUP BY function`,
      );
      return new Map(rows.map((r: { function: string; size: number }) => [r.function, r.size]));
    },
    sweep: (failedBefore) =>
      db.query(async (sql) => (await sql`DELETE FROM dead_letters WHERE failed_at < ${failedBefore}`).count),
  };
}

async function listDeadLetters(db: Database, query: DeadLetterQuery): Promise<Page<DeadLetterRow>> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const rows = await db.query(
    (sql) => sql`SELECT * FROM dead_letters WHERE TRUE
      ${query.function === undefined ? sql`` : sql`AND function = ${query.function}`}
      ${after === undefined ? sql`` : sql`AND (failed_at, id) < (${after.at}, ${after.id})`}
      ORDER BY failed_at DESC, id DESC LIMIT ${query.limit + 1}`,
  );
  return pageOf(rows.map(fromDb), query.limit, (row) => ({ at: row.failedAt, id: row.id }));
}
