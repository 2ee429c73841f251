/**
 * @module
 * The core rows on SQLite — functions, executions, idempotency keys — over one open database and
 * the store's WriteBatcher (sqlite-store.ts composes them). Awaited writes go through `write`,
 * which turns a failure into StoreUnavailableError and reports the store's health.
 */
import type { Database, Statement } from "bun:sqlite";
import type { ExecutionRow, ExecutionRows, FunctionRow, FunctionRows, IdempotencyRows } from "../state-store";
import type { WriteBatcher } from "../write-batcher";
import {
  EXECUTION_COLUMNS,
  type ExecutionColumns,
  executionFromColumns,
  executionParams,
  UPSERT_EXECUTION,
} from "./execution-codec";
import { listSqliteExecutions } from "./execution-list";

export interface IdempotencyEntry {
  function: string;
  key: string;
  executionId: string;
  expiresAt: number;
}

/** Write-behind rows of one batch: an execution's latest state or an idempotency key. */
export type BehindRow = { kind: "execution"; row: ExecutionRow } | { kind: "key"; entry: IdempotencyEntry };

export type SqliteBatcher = WriteBatcher<ExecutionRow, BehindRow>;

/** Runs an awaited write; a failure rejects with StoreUnavailableError (and marks the store unhealthy). */
export type GuardedWrite = <T>(action: () => T) => Promise<T>;

/** The one statement a batch commit runs per row; `finalize` them before closing the database. */
/**
 * The synchronous level per commit. With `fsync` (NANOFAAS_SQLITE_SYNCHRONOUS=full), commits a
 * caller waits on (accepted rows, registrations) run with FULL — the answer waits for the fsync —
 * and write-behind-only commits with NORMAL: nobody waits on them, and the next FULL commit's
 * fsync covers their WAL frames too (the WAL is written in order). So the sync invoke path never
 * pays for an fsync, and a 202 still survives power loss.
 */
export function synchronousSwitch(db: Database, fsync: boolean): (awaited: boolean) => void {
  let level = fsync ? "FULL" : "NORMAL";
  return (awaited) => {
    const wanted = fsync && awaited ? "FULL" : "NORMAL";
    if (wanted === level) return;
    db.run(`PRAGMA synchronous = ${wanted}`);
    level = wanted;
  };
}

export function prepareBatchCommit(
  db: Database,
  setLevel: (awaited: boolean) => void,
): {
  commit: (batch: { accepted: ExecutionRow[]; behind: BehindRow[] }) => void;
  statements: Statement[];
} {
  const upsertExecution = db.prepare(UPSERT_EXECUTION);
  const upsertKey = db.prepare(
    "INSERT INTO idempotency_keys (function, key, execution_id, expires_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (function, key) DO UPDATE SET execution_id = excluded.execution_id, expires_at = excluded.expires_at",
  );
  const transaction = db.transaction((batch: { accepted: ExecutionRow[]; behind: BehindRow[] }) => {
    for (const row of batch.accepted) upsertExecution.run(...executionParams(row));
    for (const item of batch.behind) {
      if (item.kind === "execution") upsertExecution.run(...executionParams(item.row));
      else upsertKey.run(item.entry.function, item.entry.key, item.entry.executionId, item.entry.expiresAt);
    }
  });
  const commit = (batch: { accepted: ExecutionRow[]; behind: BehindRow[] }) => {
    setLevel(batch.accepted.length > 0);
    // IMMEDIATE: take the write lock at BEGIN, so a busy database waits (busy_timeout) instead of failing mid-batch.
    transaction.immediate(batch);
  };
  return { commit, statements: [upsertExecution, upsertKey] };
}

export function sqliteFunctionRows(db: Database, write: GuardedWrite): FunctionRows {
  return {
    loadAll: async () =>
      db
        .query<{ name: string; spec: string; created_at: number; updated_at: number }, []>(
          "SELECT name, spec, created_at, updated_at FROM functions ORDER BY created_at, name",
        )
        .all()
        .map(
          (r): FunctionRow => ({
            name: r.name,
            spec: JSON.parse(r.spec),
            createdAt: r.created_at,
            updatedAt: r.updated_at,
          }),
        ),
    put: async (row) => {
      await write(() =>
        db.run(
          "INSERT INTO functions (name, spec, created_at, updated_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at",
          [row.name, JSON.stringify(row.spec), row.createdAt, row.updatedAt],
        ),
      );
    },
    delete: async (name) => {
      await write(() => db.run("DELETE FROM functions WHERE name = ?1", [name]));
    },
  };
}

export function sqliteExecutionRows(db: Database, batcher: SqliteBatcher, write: GuardedWrite): ExecutionRows {
  return {
    accept: (row) => batcher.accept(row),
    record: (row) => batcher.behindWrite(`e:${row.id}`, { kind: "execution", row }),
    flush: () => batcher.flush(),
    get: async (id) => {
      const columns = db
        .query<ExecutionColumns, [string]>(`SELECT ${EXECUTION_COLUMNS} FROM executions WHERE id = ?1`)
        .get(id);
      return columns ? executionFromColumns(columns) : undefined;
    },
    list: async (query) => listSqliteExecutions(db, query),
    loadUnfinished: async () =>
      db
        .query<ExecutionColumns, []>(
          `SELECT ${EXECUTION_COLUMNS} FROM executions WHERE status IN ('queued', 'running') ORDER BY created_at, id`,
        )
        .all()
        .map(executionFromColumns),
    // An execution finishes after it is created, so every row to sweep lies in the created_at range
    // below the cutoff: executions_newest finds them (no index on finished_at: schema core v3).
    sweep: (finishedBefore) =>
      write(
        () =>
          db.run("DELETE FROM executions WHERE created_at < ?1 AND finished_at IS NOT NULL AND finished_at < ?1", [
            finishedBefore,
          ]).changes,
      ),
  };
}

export function sqliteIdempotencyRows(db: Database, batcher: SqliteBatcher, write: GuardedWrite): IdempotencyRows {
  return {
    loadLive: async (now) =>
      db
        .query<IdempotencyEntry, [number]>(
          "SELECT function, key, execution_id AS executionId, expires_at AS expiresAt FROM idempotency_keys WHERE expires_at > ?1 ORDER BY function, key",
        )
        .all(now),
    publish: (fn, key, executionId, expiresAt) =>
      batcher.behindWrite(`k:${fn}\u0000${key}`, { kind: "key", entry: { function: fn, key, executionId, expiresAt } }),
    forgetFunction: async (fn) => {
      const ofFunction = (item: BehindRow) => item.kind === "key" && item.entry.function === fn;
      batcher.discardBehind(ofFunction);
      // A batch already handed to the writer thread may still insert keys: let it land first.
      await batcher.flush().catch(() => {});
      batcher.discardBehind(ofFunction);
      await write(() => db.run("DELETE FROM idempotency_keys WHERE function = ?1", [fn]));
    },
    sweep: async (now) => {
      await write(() => db.run("DELETE FROM idempotency_keys WHERE expires_at <= ?1", [now]));
    },
  };
}
