/**
 * @module
 * `NANOFAAS_STORE=postgres`: the StateStore on a shared PostgreSQL database (docs/persistence.md).
 * Start-up connects (retrying with backoff for up to `connectTimeoutMs` — a database that starts
 * after the control plane is waited for, a wrong URL or an absent server fails with a clear message),
 * migrates under an advisory lock, then hands out the sub-stores. Outages later are survived: see
 * `Database` (readiness 503, `StoreUnavailableError`, reconnect with backoff) and `WriteBehind`
 * (queued batches retried, never dropped).
 */
import { type Logger, silentLogger } from "../../observability/logger";
import { type StateStore, StoreUnavailableError } from "../state-store";
import { postgresAudit } from "./audit";
import { type BackoffOptions, connect, DEFAULT_BACKOFF } from "./database";
import { postgresDeadLetters } from "./dead-letters";
import { postgresExecutions } from "./executions";
import { postgresApiKeys, postgresFunctions, postgresIdempotency } from "./functions-and-keys";
import { migrate } from "./migrations";

export interface PostgresStoreOptions {
  logger?: Logger;
  /** How long start-up waits for the database to answer; default 30 s. */
  connectTimeoutMs?: number;
  /** Reconnect and write-behind retry pauses (tests shorten them). */
  backoff?: BackoffOptions;
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
  });
  try {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info({ database: db.target, versions: applied }, "store: schema migrated");
  } catch (error) {
    await db.close();
    throw error;
  }
  // A failed write-behind batch stays queued and is retried; the database's own log line (unreachable /
  // reachable again) says why, so only other errors — which a retry will not cure — are logged here.
  const writeBehind = {
    onError: (error: unknown) => {
      if (!(error instanceof StoreUnavailableError)) {
        logger.error({ err: (error as Error).message }, "store: write-behind batch failed; retrying");
      }
    },
    active: () => !db.closed,
    backoff,
  };
  const executions = postgresExecutions(db, writeBehind);
  const idempotency = postgresIdempotency(db, writeBehind);
  const audit = postgresAudit(db, writeBehind);
  return {
    kind: "postgres",
    functions: postgresFunctions(db),
    executions,
    idempotency,
    dlq: postgresDeadLetters(db),
    apikeys: postgresApiKeys(db),
    audit,
    healthy: () => db.healthy(),
    close: async () => {
      // the last batches get a bounded chance; what cannot be written now is reported, not waited on forever
      const flushed = await Promise.allSettled([executions.flush(), idempotency.flush(), audit.flush()]);
      const failed = flushed.filter((result) => result.status === "rejected");
      if (failed.length > 0) logger.error({ batches: failed.length }, "store: write-behind rows not written at close");
      await db.close();
    },
  };
}
