/**
 * @module
 * How a store reports a row it dropped as poison (write-batcher.ts): one error log line naming the
 * row — never its content (inputs and outputs are user data) — and the reason the database gave.
 * The count is the `store_poison_rows_total` metric (StateStore.poisonRows).
 */
import type { Logger } from "../observability/logger";
import type { ExecutionRow } from "./state-store";

/** What a poison row is, for the log: its kind and key, never its content. */
export interface PoisonRowName {
  kind: "execution" | "idempotency key" | "audit event";
  id: string;
}

export const executionName = (row: ExecutionRow): PoisonRowName => ({ kind: "execution", id: row.id });

export function logPoisonRow(logger: Logger, name: PoisonRowName, awaited: boolean, error: unknown): void {
  logger.error(
    {
      row: name.kind,
      id: name.id,
      err: error instanceof Error ? error.message : String(error),
      code: (error as { code?: unknown } | null)?.code,
      // PostgreSQL's SQLSTATE (23502 NOT NULL, …); SQLite's extended result code
      errno: (error as { errno?: unknown } | null)?.errno,
    },
    awaited
      ? "store: the database refused an accepted row (a data error, not an outage); the invocation was not accepted (503), the rest of its batch was committed"
      : "store: the database refused a write-behind row (a data error, not an outage); the row was dropped, the rest of its batch was committed",
  );
}
