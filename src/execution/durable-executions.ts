/**
 * @module
 * The engine's side of durable state (issue 17): the write-behind observer that records each state
 * change (rows and their views: execution-row.ts). The engine and the API never learn which
 * store is behind ExecutionRows.
 */
import { NanofaasError } from "../domain/errors";
import type { ExecutionRows, IdempotencyRows } from "../store/state-store";
import type { EngineObserver } from "./engine-observer";
import type { ExecutionRecord } from "./execution-record";
import { executionRowOf } from "./execution-row";

/** What the engine writes through to. */
export interface DurableExecutions {
  executions: ExecutionRows;
  idempotency: IdempotencyRows;
  /** Terminal rows older than this (since finishing) are swept (NANOFAAS_EXECUTION_STORE_TTL). */
  retentionMs: number;
  /** True for sqlite/postgres: unfinished async work left at shutdown is resumed by the next start. */
  outlivesProcess: boolean;
}

/** A failed commit as the API answers it: 503 STORE_UNAVAILABLE, retry later. */
export function storeUnavailable(error: unknown): NanofaasError {
  const detail = error instanceof Error ? error.message : String(error);
  return new NanofaasError(
    "STORE_UNAVAILABLE",
    `The invocation could not be persisted, so it was not accepted: ${detail}`,
    {
      retryAfterSeconds: 1,
      cause: error,
    },
  );
}

/**
 * Records every state change write-behind (the store coalesces them per execution, so a sync call
 * that finishes within one batch costs one row write). An async execution's first enqueue is not
 * recorded here: `accept` already made it durable before the 202.
 */
export function writeBehindObserver(rows: ExecutionRows): EngineObserver {
  const record = (r: ExecutionRecord) => rows.record(executionRowOf(r));
  return {
    onEnqueued: (r, lane) => {
      if (lane === "sync" || r.attempt > 1) record(r);
    },
    onDispatched: record,
    onRetryScheduled: record,
    onFinished: record,
  };
}
