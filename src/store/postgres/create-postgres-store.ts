/**
 * @module
 * `NANOFAAS_STORE=postgres`: the StateStore on a shared PostgreSQL database (docs/persistence.md).
 * Start-up connects (retrying with backoff for up to `connectTimeoutMs` — a database that starts
 * after the control plane is waited for, a wrong URL or an absent server fails with a clear message),
 * migrates under an advisory lock, then hands out the sub-stores. Outages later are survived: see
 * `Database` (readiness 503, `StoreUnavailableError`, reconnect with backoff) and the shared
 * `WriteBatcher` (group-committed accepts; write-behind rows retried with backoff through an outage;
 * a row the database refuses for its content — SQLSTATE class 22 or 23 — is dropped alone and logged).
 */
import { type Logger, silentLogger } from "../../observability/logger";
import { executionName, logPoisonRow, type PoisonRowName } from "../poison-rows";
import { type ExecutionRow, type StateStore, StoreUnavailableError } from "../state-store";
import { WriteBatcher } from "../write-batcher";
import { postgresAudit } from "./audit";
import { type BehindRow, postgresBatchCommit } from "./batch-commit";
import { type BackoffOptions, connect, DEFAULT_BACKOFF, isPoison } from "./database";
import { postgresDeadLetters } from "./dead-letters";
import { postgresExecutions } from "./executions";
import { postgresApiKeys, postgresFunctions, postgresIdempotency } from "./functions-and-keys";
import { migrate } from "./migrations";
import { liveReplicas, ReplicaPresence } from "./presence";
import { postgresTriggers } from "./triggers";
import { postgresTenants } from "./tenants";
import { postgresVersions } from "./versions";
import { postgresWorkflows } from "./workflows";

export interface PostgresStoreOptions {
  logger?: Logger;
  /** How long start-up waits for the database to answer; default 30 s. */
  connectTimeoutMs?: number;
  /** Start-up and reconnect retry pauses (tests shorten them). */
  backoff?: BackoffOptions;
  /** How often an idle store pings the database (default 5 s), so readiness sees an outage. */
  heartbeatMs?: number;
  /** How long write-behind rows wait for company (WriteBatcher; default 20 ms). */
  behindDelayMs?: number;
  /**
   * This control plane's id among the replicas sharing the database (issue 20): written as the
   * owner of its executions, and held as its presence lock. Default: a random one.
   */
  replicaId?: string;
  /** Told when the database stops (false) or starts again (true) answering; main.ts logs it. */
  onHealthChange?(healthy: boolean, error?: unknown): void;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

export async function createPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<StateStore> {
  const logger = options.logger ?? silentLogger();
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const db = await connect(url, {
    logger,
    timeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    backoff,
    onHealthChange: options.onHealthChange,
    heartbeatMs: options.heartbeatMs,
  });
  try {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info({ database: db.target, versions: applied }, "store: schema migrated");
  } catch (error) {
    await db.close();
    throw error;
  }
  const replicaId = options.replicaId ?? crypto.randomUUID();
  let presence: ReplicaPresence;
  try {
    presence = await ReplicaPresence.open(url, replicaId, logger);
  } catch (error) {
    await db.close();
    throw error;
  }
  const batcher = new WriteBatcher<ExecutionRow, BehindRow>({
    commit: postgresBatchCommit(db, replicaId),
    behindDelayMs: options.behindDelayMs,
    // outages are logged once by Database (unreachable / reachable again); anything else is a bug
    // a retry will not cure, so each failed commit of that kind is logged
    onHealth: (ok, error) => {
      if (!ok && !(error instanceof StoreUnavailableError)) {
        logger.error({ err: (error as Error).message }, "store: commit failed; write-behind rows kept for a retry");
      }
    },
    isPoison,
    onPoisonRow: (row, awaited, error) => logPoisonRow(logger, nameOf(row, awaited), awaited, error),
  });
  return {
    kind: "postgres",
    functions: postgresFunctions(db),
    executions: postgresExecutions(db, batcher, replicaId),
    idempotency: postgresIdempotency(db, batcher),
    dlq: postgresDeadLetters(db),
    apikeys: postgresApiKeys(db),
    audit: postgresAudit(db, batcher),
    triggers: postgresTriggers(db),
    versions: postgresVersions(db),
    workflows: postgresWorkflows(db, replicaId),
    tenants: postgresTenants(db),
    replicas: { live: () => liveReplicas(db) },
    healthy: () => db.healthy(),
    poisonRows: () => batcher.poisonRows,
    close: async () => {
      // the last rows get one more commit; what cannot be written now is reported, not waited on
      const queued = batcher.flush().catch((error) => error as Error);
      const failed = await queued;
      if (failed) logger.error({ err: failed.message }, "store: write-behind rows not written at close");
      await batcher.close();
      await db.close();
      // Last: until now this replica's unfinished rows were its own; from here others may claim them.
      await presence.close();
    },
  };
}

const nameOf = (row: ExecutionRow | BehindRow, awaited: boolean): PoisonRowName => {
  if (awaited) return executionName(row as ExecutionRow);
  const behind = row as BehindRow;
  if (behind.kind === "execution") return executionName(behind.row);
  if (behind.kind === "key") return { kind: "idempotency key", id: `${behind.function}/${behind.key}` };
  return { kind: "audit event", id: behind.row.id };
};
