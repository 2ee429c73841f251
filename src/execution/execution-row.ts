/**
 * @module
 * An ExecutionRecord as the state store's ExecutionRow (plain JSON-able data: input and output as
 * their JSON text, byte for byte), and a stored row as the execution view (GET /v1/executions…).
 */
import { jsonText, RawJson } from "../lib/raw-json";
import type { ExecutionRow } from "../store/state-store";
import type { ExecutionRecord } from "./execution-record";
import type { ExecutionView } from "./invoker";

export function executionRowOf(record: ExecutionRecord): ExecutionRow {
  return {
    id: record.id,
    function: record.fn.versionOf ?? record.fn.name,
    lane: record.lane,
    status: record.state,
    attempts: record.attempt,
    input: jsonText(record.request.input),
    metadata: record.request.metadata ?? null,
    idempotencyKey: record.idempotencyKey ?? null,
    trace: record.trace,
    output: record.output === null ? null : jsonText(record.output),
    error: record.error,
    createdAt: record.createdAt,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    coldStart: record.coldStart,
    initDurationMs: record.initDurationMs,
    parentExecutionId: record.lineage?.parentExecutionId ?? null,
    rootExecutionId: record.lineage?.rootExecutionId ?? null,
    trigger: record.trigger,
  };
}

/** A stored row as the execution view (`output` is the stored JSON text, spliced back byte for byte). */
export function viewOfRow(row: ExecutionRow): ExecutionView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    executionId: row.id,
    status: row.status,
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    output: row.output === null ? null : new RawJson(row.output),
    error: row.error,
    coldStart: row.coldStart,
    initDurationMs: row.initDurationMs,
    function: row.function,
    attempts: row.attempts,
    createdAt: new Date(row.createdAt).toISOString(),
    parentExecutionId: row.parentExecutionId,
    rootExecutionId: row.rootExecutionId,
    trigger: row.trigger ?? null,
  };
}
