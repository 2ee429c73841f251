/**
 * @module
 * `executions.list` for SQLite (GET /v1/executions): newest first on (created_at, id), filtered by
 * function, chain root, status and an inclusive created_at window.
 */
import type { Database } from "bun:sqlite";
import { decodeCursor, pageOf } from "../cursor";
import type { ExecutionQuery, ExecutionRow, Page } from "../state-store";
import { EXECUTION_COLUMNS, type ExecutionColumns, executionFromColumns } from "./execution-codec";
import { type Filter, newestFirstPage } from "./list-sql";

export function listSqliteExecutions(db: Database, query: ExecutionQuery): Page<ExecutionRow> {
  const filters: Filter[] = [];
  if (query.function !== undefined) filters.push(["function = ?", query.function]);
  if (query.root !== undefined) filters.push(["(root_execution_id = ? OR id = ?)", query.root, query.root]);
  if (query.status !== undefined) filters.push(["status = ?", query.status]);
  if (query.since !== undefined) filters.push(["created_at >= ?", query.since]);
  if (query.until !== undefined) filters.push(["created_at <= ?", query.until]);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const rows = newestFirstPage<ExecutionColumns>(db, {
    select: `SELECT ${EXECUTION_COLUMNS} FROM executions`,
    time: "created_at",
    filters,
    after,
    limit: query.limit,
  }).map(executionFromColumns);
  return pageOf(rows, query.limit, (row) => ({ at: row.createdAt, id: row.id }));
}
