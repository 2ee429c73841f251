/**
 * @module
 * What one WriteBatcher commit (../write-batcher.ts, the writer discipline every durable store
 * shares) writes on PostgreSQL, in ONE transaction: the accepted executions first (INSERT … ON
 * CONFLICT DO NOTHING — a later state recorded meanwhile must not be overwritten by "queued"), then
 * the latest write-behind state of each execution, idempotency key and audit event. Rows go in
 * multi-row statements of at most CHUNK rows (PostgreSQL takes at most 65 535 parameters).
 */
import type { AuditRow, ExecutionRow } from "../state-store";
import { type Database, type Sql, toJsonText } from "./database";

/** A write-behind row: the latest state of one execution, one idempotency key or one audit event. */
export type BehindRow =
  | { kind: "execution"; row: ExecutionRow }
  | { kind: "key"; function: string; key: string; executionId: string; expiresAt: number }
  | { kind: "audit"; row: AuditRow };

const CHUNK = 1000;

/**
 * PostgreSQL text cannot hold U+0000, and a refused row would fail its batch again at every retry,
 * taking every accept written with it down too. Inputs and outputs are JSON (which escapes it), but
 * other strings reach these rows from requests (an audit target is a decoded path parameter), so
 * a NUL becomes U+FFFD here — the one change a stored string can undergo.
 */
const text = <T extends string | null>(value: T): T =>
  (value !== null && value.includes("\u0000") ? value.replaceAll("\u0000", "\ufffd") : value) as T;

/** `owner`: the control plane writing the row (schema v4, issue 20); null when copied from elsewhere. */
export const executionToDb = (row: ExecutionRow, owner: string | null = null) => ({
  id: text(row.id),
  function: text(row.function),
  lane: row.lane,
  status: row.status,
  attempts: row.attempts,
  input: text(row.input),
  metadata: toJsonText(row.metadata),
  idempotency_key: text(row.idempotencyKey),
  trace: toJsonText(row.trace),
  output: text(row.output),
  error: toJsonText(row.error),
  created_at: row.createdAt,
  started_at: row.startedAt,
  finished_at: row.finishedAt,
  cold_start: row.coldStart,
  init_duration_ms: row.initDurationMs,
  parent_execution_id: text(row.parentExecutionId),
  root_execution_id: text(row.rootExecutionId),
  trigger_info: toJsonText(row.trigger ?? null),
  owner,
});

const auditToDb = (row: AuditRow) => ({
  id: text(row.id),
  time: row.time,
  actor: text(row.actor),
  tenant: text(row.tenant),
  action: text(row.action),
  target: text(row.target),
  outcome: row.outcome,
  status: row.status,
  request_id: text(row.requestId),
  source: text(row.source),
});

async function inChunks<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK));
}

/** The rows of `behind` of one kind, mapped to their columns. */
function columnsOf(behind: BehindRow[], owner: string) {
  const executions: ReturnType<typeof executionToDb>[] = [];
  const keys: { function: string; key: string; execution_id: string; expires_at: number }[] = [];
  const audit: ReturnType<typeof auditToDb>[] = [];
  for (const entry of behind) {
    if (entry.kind === "execution") executions.push(executionToDb(entry.row, owner));
    else if (entry.kind === "audit") audit.push(auditToDb(entry.row));
    else
      keys.push({
        function: entry.function,
        key: entry.key,
        execution_id: entry.executionId,
        expires_at: entry.expiresAt,
      });
  }
  return { executions, keys, audit };
}

async function writeBatch(tx: Sql, owner: string, accepted: ExecutionRow[], behind: BehindRow[]) {
  const { executions, keys, audit } = columnsOf(behind, owner);
  await inChunks(
    accepted.map((row) => executionToDb(row, owner)),
    (rows) => tx`INSERT INTO executions ${tx(rows)} ON CONFLICT (id) DO NOTHING`,
  );
  await inChunks(
    executions,
    (rows) => tx`INSERT INTO executions ${tx(rows)} ON CONFLICT (id) DO UPDATE SET
      status = EXCLUDED.status, attempts = EXCLUDED.attempts, metadata = EXCLUDED.metadata,
      idempotency_key = EXCLUDED.idempotency_key, trace = EXCLUDED.trace, output = EXCLUDED.output,
      error = EXCLUDED.error, started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at,
      cold_start = EXCLUDED.cold_start, init_duration_ms = EXCLUDED.init_duration_ms,
      parent_execution_id = EXCLUDED.parent_execution_id, root_execution_id = EXCLUDED.root_execution_id,
      trigger_info = EXCLUDED.trigger_info, owner = EXCLUDED.owner`,
  );
  await inChunks(
    keys,
    (rows) => tx`INSERT INTO idempotency_keys ${tx(rows)} ON CONFLICT (function, key) DO UPDATE SET
      execution_id = EXCLUDED.execution_id, expires_at = EXCLUDED.expires_at`,
  );
  await inChunks(audit, (rows) => tx`INSERT INTO audit_events ${tx(rows)} ON CONFLICT (id) DO NOTHING`);
}

/**
 * The WriteBatcher's `commit`: one transaction, through `db` so an outage marks the store down.
 * `owner` (this control plane's replica id) goes into every execution row written: the last writer
 * of an execution owns it.
 */
export function postgresBatchCommit(db: Database, owner: string) {
  return async ({ accepted, behind }: { accepted: ExecutionRow[]; behind: BehindRow[] }) => {
    // a lone accept needs no transaction of its own: one statement is one commit
    await db.query((sql) =>
      accepted.length <= CHUNK && behind.length === 0
        ? writeBatch(sql, owner, accepted, behind)
        : sql.begin((tx) => writeBatch(tx as unknown as Sql, owner, accepted, behind)),
    );
  };
}
