/**
 * @module
 * The one query shape of every newest-first list on SQLite: optional filters, the cursor's
 * "strictly after (time, id)" condition, `ORDER BY time DESC, id DESC` (served by the tables'
 * `(…, time DESC, id DESC)` indexes) and one row more than the page, so the caller knows whether
 * a next page exists (cursor.ts `pageOf`).
 */
import type { Database } from "bun:sqlite";
import type { ListPosition } from "../cursor";

/** A WHERE condition with one `?` and its value. */
/** A condition and the values of its `?` placeholders, in order. */
export type Filter = [condition: string, ...values: (string | number)[]];

export interface NewestFirstQuery {
  /** `SELECT <columns> FROM <table>` */
  select: string;
  /** The time column (epoch ms) lists are ordered by. */
  time: string;
  filters: Filter[];
  after: ListPosition | undefined;
  limit: number;
}

export function newestFirstPage<T>(db: Database, q: NewestFirstQuery): T[] {
  const conditions = q.filters.map(([condition]) => condition);
  const params: (string | number)[] = q.filters.flatMap(([, ...values]) => values);
  if (q.after) {
    conditions.push(`(${q.time} < ? OR (${q.time} = ? AND id < ?))`);
    params.push(q.after.at, q.after.at, q.after.id);
  }
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(" AND ")}` : "";
  const sql = `${q.select}${where} ORDER BY ${q.time} DESC, id DESC LIMIT ?`;
  return db.query<T, (string | number)[]>(sql).all(...params, q.limit + 1);
}
