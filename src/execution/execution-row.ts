/**
 * @module
 * An ExecutionRecord as the state store's ExecutionRow (plain JSON-able data: input and output as
 * their JSON text, byte for byte), and execution history read straight from the engine's records
 * for a control plane built without a state store (tests, the OpenAPI document).
 */
import { jsonText } from "../lib/raw-json";
import { listExecutionRows } from "../store/memory/execution-list";
import type { ExecutionRow, ExecutionRows } from "../store/state-store";
import type { ExecutionRecord } from "./execution-record";
import type { ExecutionStore } from "./execution-store";

export function executionRowOf(record: ExecutionRecord): ExecutionRow {
  return {
    id: record.id,
    function: record.fn.name,
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
  };
}

/** History over the records the engine holds in memory (within their retention); newest first. */
export function recordHistory(store: ExecutionStore): Pick<ExecutionRows, "list"> {
  return {
    list: async (query) => {
      const rows: ExecutionRow[] = [];
      for (const record of store.values()) {
        // Filtered before conversion: a row copies the input, so only matching records pay for one.
        if (query.function !== undefined && record.fn.name !== query.function) continue;
        if (query.status !== undefined && record.state !== query.status) continue;
        rows.push(executionRowOf(record));
      }
      return listExecutionRows(rows, query);
    },
  };
}
