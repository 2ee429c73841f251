/**
 * @module
 * The SQLite state store (the default): one `nanofaas.db` file through bun:sqlite in WAL mode.
 * bun:sqlite is synchronous, so batch commits run on a writer thread (batch-writer.ts) and commits
 * are few — `accept` calls of one turn share one transaction (group commit) and write-behind rows
 * are coalesced per execution and committed every ~20 ms (write-batcher.ts).
 *
 * `synchronous`: FULL (default) makes each commit survive power loss (one fsync of the WAL per
 * group commit); NORMAL survives a killed process (SIGKILL, OOM) but may lose the last commits on
 * power loss or a kernel crash, in exchange for fewer fsyncs. docs/persistence.md.
 */
import { Database } from "bun:sqlite";
import { type Logger, silentLogger } from "../../observability/logger";
import { executionName, logPoisonRow, type PoisonRowName } from "../poison-rows";
import type { ExecutionRow, StateStore } from "../state-store";
import { asUnavailable, WriteBatcher } from "../write-batcher";
import { createSqliteApiKeyRows } from "./apikeys";
import { createSqliteAuditRows } from "./audit";
import {
  type BehindRow,
  type GuardedWrite,
  synchronousSwitch,
  sqliteExecutionRows,
  sqliteFunctionRows,
  sqliteIdempotencyRows,
} from "./core-rows";
import { type BatchWriter, inThreadWriter, sharesFile, ThreadWriter } from "./batch-writer";
import { createSqliteDeadLetterRows } from "./dlq";
import { migrate } from "./migrations";
import { createSqliteTriggerRows } from "./trigger-rows";
import { createSqliteWorkflowRows } from "./workflow-rows";
import { createSqliteVersionRows } from "./version-rows";
import { isSqlitePoison } from "./sqlite-errors";
import { createSqliteTenantRows } from "./tenant-rows";

export type SqliteSynchronous = "full" | "normal";

export interface SqliteStoreOptions {
  /** File path, or ":memory:" (tests). */
  path: string;
  synchronous?: SqliteSynchronous;
  /** How long a write waits for another connection's lock (ms). */
  busyTimeoutMs?: number;
  /** Write-behind delay (ms); default 20. */
  behindDelayMs?: number;
  /** Batch commits on a writer thread (default, for a database file); false keeps them on the event loop. */
  writerThread?: boolean;
  /** Told when the store stops or starts being able to write (logged by main.ts). */
  onHealthChange?(healthy: boolean, error?: unknown): void;
  /** Where rows dropped as poison are logged (write-batcher.ts); silent when absent. */
  logger?: Logger;
}

/** Opens (and migrates) the database; throws the raw error for the caller to explain (create-store.ts). */
export function openSqliteDatabase(options: SqliteStoreOptions): Database {
  const db = new Database(options.path, { create: true, strict: true });
  try {
    db.run(`PRAGMA busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    db.run("PRAGMA journal_mode = WAL");
    db.run(`PRAGMA synchronous = ${options.synchronous === "normal" ? "NORMAL" : "FULL"}`);
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

export function createSqliteStore(options: SqliteStoreOptions): StateStore {
  return sqliteStoreOn(openSqliteDatabase(options), options);
}

/** The StateStore over an open, migrated database (tests pass one they prepared). */
export function sqliteStoreOn(
  db: Database,
  options: Pick<
    SqliteStoreOptions,
    "behindDelayMs" | "onHealthChange" | "synchronous" | "busyTimeoutMs" | "writerThread" | "logger"
  > = {},
): StateStore {
  let healthy = true;
  const logger = options.logger ?? silentLogger();
  const setHealth = (ok: boolean, error?: unknown) => {
    if (ok === healthy) return;
    healthy = ok;
    options.onHealthChange?.(ok, error);
  };
  const setLevel = synchronousSwitch(db, options.synchronous !== "normal");
  const write: GuardedWrite = (action) => {
    try {
      setLevel(true);
      const result = action();
      setHealth(true);
      return Promise.resolve(result);
    } catch (error) {
      setHealth(false, error);
      return Promise.reject(asUnavailable(error));
    }
  };
  const writer: BatchWriter =
    options.writerThread !== false && sharesFile(db)
      ? new ThreadWriter({
          path: db.filename,
          fsync: options.synchronous !== "normal",
          busyTimeoutMs: options.busyTimeoutMs ?? 5000,
        })
      : inThreadWriter(db, setLevel);
  const batcher = new WriteBatcher<ExecutionRow, BehindRow>({
    commit: (batch) => writer.commit(batch),
    behindDelayMs: options.behindDelayMs,
    onHealth: setHealth,
    isPoison: isSqlitePoison,
    onPoisonRow: (row, awaited, error) => logPoisonRow(logger, nameOf(row, awaited), awaited, error),
  });
  const audit = createSqliteAuditRows(db, write);
  return {
    kind: "sqlite",
    functions: sqliteFunctionRows(db, write),
    executions: sqliteExecutionRows(db, batcher, write),
    idempotency: sqliteIdempotencyRows(db, batcher, write),
    dlq: createSqliteDeadLetterRows(db, write),
    apikeys: createSqliteApiKeyRows(db, write),
    audit,
    triggers: createSqliteTriggerRows(db, write),
    workflows: createSqliteWorkflowRows(db, write),
    versions: createSqliteVersionRows(db, write),
    tenants: createSqliteTenantRows(db, write),
    healthy: () => healthy,
    poisonRows: () => batcher.poisonRows,
    close: async () => {
      await batcher.close();
      await audit.flush().catch(() => {});
      await writer.close();
      // Closing the last connection checkpoints the WAL into the file and removes it.
      db.close();
    },
  };
}

const nameOf = (row: ExecutionRow | BehindRow, awaited: boolean): PoisonRowName => {
  if (awaited) return executionName(row as ExecutionRow);
  const behind = row as BehindRow;
  return behind.kind === "execution"
    ? executionName(behind.row)
    : { kind: "idempotency key", id: `${behind.entry.function}/${behind.entry.key}` };
};
