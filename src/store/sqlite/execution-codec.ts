/**
 * @module
 * ExecutionRow ⇄ the `executions` table's columns (shared by the writer, point reads, start-up
 * recovery and the list queries).
 */
import type { ExecutionRow } from "../state-store";

/** A row as `SELECT *` from `executions` returns it. */
export interface ExecutionColumns {
  id: string;
  function: string;
  lane: string;
  status: string;
  attempts: number;
  input: string;
  metadata: string | null;
  idempotency_key: string | null;
  trace: string;
  output: string | null;
  error: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  cold_start: number;
  init_duration_ms: number | null;
  parent_execution_id: string | null;
  root_execution_id: string | null;
  /** Added by the `triggers` migration area (issue 21): the trigger as JSON text. */
  trigger_info: string | null;
}

export const EXECUTION_COLUMNS =
  "id, function, lane, status, attempts, input, metadata, idempotency_key, trace, output, error, created_at, started_at, finished_at, cold_start, init_duration_ms, parent_execution_id, root_execution_id, trigger_info";

/** Insert-or-update: the immutable columns are written once, the state columns every time. */
export const UPSERT_EXECUTION = `INSERT INTO executions (${EXECUTION_COLUMNS})
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
ON CONFLICT (id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts, output = excluded.output,
  error = excluded.error, started_at = excluded.started_at, finished_at = excluded.finished_at,
  cold_start = excluded.cold_start, init_duration_ms = excluded.init_duration_ms`;

type SqlValue = string | number | null;

/** Positional parameters of UPSERT_EXECUTION. */
export function executionParams(row: ExecutionRow): SqlValue[] {
  return [
    row.id,
    row.function,
    row.lane,
    row.status,
    row.attempts,
    row.input,
    row.metadata === null ? null : JSON.stringify(row.metadata),
    row.idempotencyKey,
    JSON.stringify(row.trace),
    row.output,
    row.error === null ? null : JSON.stringify(row.error),
    row.createdAt,
    row.startedAt,
    row.finishedAt,
    row.coldStart ? 1 : 0,
    row.initDurationMs,
    row.parentExecutionId,
    row.rootExecutionId,
    row.trigger ? JSON.stringify(row.trigger) : null,
  ];
}

export function executionFromColumns(c: ExecutionColumns): ExecutionRow {
  return {
    id: c.id,
    function: c.function,
    lane: c.lane as ExecutionRow["lane"],
    status: c.status as ExecutionRow["status"],
    attempts: c.attempts,
    input: c.input,
    metadata: c.metadata === null ? null : JSON.parse(c.metadata),
    idempotencyKey: c.idempotency_key,
    trace: JSON.parse(c.trace),
    output: c.output,
    error: c.error === null ? null : JSON.parse(c.error),
    createdAt: c.created_at,
    startedAt: c.started_at,
    finishedAt: c.finished_at,
    coldStart: c.cold_start === 1,
    initDurationMs: c.init_duration_ms,
    parentExecutionId: c.parent_execution_id,
    rootExecutionId: c.root_execution_id,
    // Only when set: a row without a trigger reads back as it was written (the field is optional).
    ...(c.trigger_info ? { trigger: JSON.parse(c.trigger_info) } : {}),
  };
}
