/**
 * @module
 * `ExecutionRows.list` for stores that hold their rows in memory: filter, newest first on
 * (createdAt, id), then one page. The memory store's executions call it with their rows.
 */
import { decodeCursor, isAfter, newestFirst, pageOf } from "../cursor";
import type { ExecutionQuery, ExecutionRow, Page } from "../state-store";

const position = (row: ExecutionRow) => ({ at: row.createdAt, id: row.id });

/** True when `row` passes the query's filters (function, root, status, since/until inclusive on createdAt). */
export function matchesExecutionQuery(row: ExecutionRow, query: ExecutionQuery): boolean {
  return (
    (query.function === undefined || row.function === query.function) &&
    (query.root === undefined || row.id === query.root || row.rootExecutionId === query.root) &&
    (query.status === undefined || row.status === query.status) &&
    (query.since === undefined || row.createdAt >= query.since) &&
    (query.until === undefined || row.createdAt <= query.until)
  );
}

/** One page of `rows` (any order) for `query`; copies, so callers never hold a stored row. */
export function listExecutionRows(rows: Iterable<ExecutionRow>, query: ExecutionQuery): Page<ExecutionRow> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const matching: ExecutionRow[] = [];
  for (const row of rows) {
    if (matchesExecutionQuery(row, query) && isAfter(row.createdAt, row.id, after)) matching.push(row);
  }
  matching.sort((a, b) => newestFirst(position(a), position(b)));
  return pageOf(
    matching.slice(0, query.limit + 1).map((row) => ({ ...row })),
    query.limit,
    position,
  );
}
