/**
 * @module
 * `executions.list` for SQLite (GET /v1/executions). Owned by the DLQ + history work (issue 17);
 * until it lands, listing answers with a clear error instead of a wrong page.
 */
import type { Database } from "bun:sqlite";
import type { ExecutionQuery, ExecutionRow, Page } from "../state-store";

export function listSqliteExecutions(_db: Database, _query: ExecutionQuery): Page<ExecutionRow> {
  throw new Error("executions.list is not implemented for the SQLite store yet");
}
