/**
 * @module
 * Start-up recovery (issue 17): what the state store says was unfinished when the previous
 * control plane stopped becomes engine work again, following the at-least-once rules of
 * docs/persistence.md:
 * - an async execution still queued is queued again (same attempt);
 * - an async execution that was running is retried as a NEW attempt (X-Dispatch-Attempt + 1): it
 *   may have run, or half-run, before the crash;
 * - a sync execution cannot be answered any more (its caller's connection died with the process):
 *   it ends `error` with code CONTROL_PLANE_RESTARTED;
 * - an execution of a function that is no longer registered ends `error` FUNCTION_REMOVED.
 */
import type { ResolvedFunction } from "../domain/resolved-function";
import { RawJson } from "../lib/raw-json";
import type { ExecutionRow, ExecutionRows } from "../store/state-store";
import { ExecutionRecord } from "./execution-record";
import type { Lineage } from "./invoker";

export const CONTROL_PLANE_RESTARTED = "CONTROL_PLANE_RESTARTED";

export interface RecoverySummary {
  requeued: number;
  retried: number;
  restartedSync: number;
  orphaned: number;
}

/** What recovery needs from the engine. */
export interface RecoveryTarget {
  functionNamed(name: string): ResolvedFunction | undefined;
  /** Queues a rebuilt record (beyond the lane's capacity if need be: it was accepted before). */
  resume(record: ExecutionRecord): void;
}

export function recoverExecutions(
  rows: ExecutionRow[],
  target: RecoveryTarget,
  durable: ExecutionRows,
  now: number,
): RecoverySummary {
  const summary: RecoverySummary = { requeued: 0, retried: 0, restartedSync: 0, orphaned: 0 };
  for (const row of rows) {
    const fn = target.functionNamed(row.function);
    if (!fn) {
      durable.record(
        ended(row, now, "FUNCTION_REMOVED", `Function '${row.function}' is not registered after the restart`),
      );
      summary.orphaned++;
    } else if (row.lane === "sync") {
      const message =
        "The control plane restarted while this synchronous invocation was in flight; its caller was disconnected";
      durable.record(ended(row, now, CONTROL_PLANE_RESTARTED, message));
      summary.restartedSync++;
    } else {
      const wasRunning = row.status === "running";
      target.resume(rebuild(row, fn, wasRunning));
      if (wasRunning) summary.retried++;
      else summary.requeued++;
    }
  }
  return summary;
}

function ended(row: ExecutionRow, now: number, code: string, message: string): ExecutionRow {
  return { ...row, status: "error", error: { code, message }, output: null, finishedAt: now };
}

/** A replay keeps its link to the execution it replays (and to the first of the chain) across a restart. */
function lineageOf(row: ExecutionRow): Lineage | null {
  if (row.parentExecutionId === null) return null;
  return { parentExecutionId: row.parentExecutionId, rootExecutionId: row.rootExecutionId ?? row.parentExecutionId };
}

function rebuild(row: ExecutionRow, fn: ResolvedFunction, wasRunning: boolean): ExecutionRecord {
  const request = { input: new RawJson(row.input), ...(row.metadata ? { metadata: row.metadata } : {}) };
  const record = new ExecutionRecord(
    row.id,
    fn,
    request,
    "async",
    row.trace,
    row.idempotencyKey ?? undefined,
    row.createdAt,
    lineageOf(row),
    row.trigger ?? null,
  );
  record.resumeAt(wasRunning ? row.attempts + 1 : row.attempts);
  return record;
}
