/**
 * @module
 * One connection pool (Bun's built-in SQL client, docs/persistence.md "PostgreSQL" says why) and the
 * store's view of whether the database can be reached. Every query goes through `query`, which turns
 * "cannot reach or write the database" into `StoreUnavailableError` (the API answers 503
 * `STORE_UNAVAILABLE`), marks the store unhealthy (readiness answers 503) and starts a probe that
 * retries `SELECT 1` with backoff until the database answers again. Other errors (a bug, a constraint)
 * pass through unchanged: they are not outages.
 */
import { SQL } from "bun";
import type { Logger } from "../../observability/logger";
import { StoreUnavailableError } from "../state-store";

export type Sql = InstanceType<typeof SQL>;

/** SQLSTATE classes that mean "the server cannot serve now", not "your statement is wrong". */
const UNAVAILABLE_CLASSES = new Set(["08", "53", "57", "58"]);
/** 25006: read-only transaction — a standby after a failover, or a database set read-only. */
const UNAVAILABLE_STATES = new Set(["25006"]);

/** True for errors that say the database is out of reach or cannot write (vs a wrong statement). */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, errno } = error as Error & { code?: unknown; errno?: unknown };
  if (code === "ERR_POSTGRES_SERVER_ERROR") {
    const state = String(errno ?? "");
    return UNAVAILABLE_CLASSES.has(state.slice(0, 2)) || UNAVAILABLE_STATES.has(state);
  }
  if (typeof code !== "string") return false;
  return /CONNECTION|TIMEOUT|CLOSED|TLS|^E(CONN|PIPE|HOSTUNREACH|NETUNREACH|AI_AGAIN|NOTFOUND|TIMEDOUT)/.test(code);
}

/**
 * SQLSTATE classes of a *poison row* (write-batcher.ts): 22 data exception (a value the column
 * refuses: bad encoding, out of range), 23 integrity constraint violation (NOT NULL, CHECK, a
 * unique index other than the upsert's). The row fails every retry; the rest of its batch need not.
 */
const POISON_CLASSES = new Set(["22", "23"]);

/** True for a failed commit caused by a row's content (or a value the client cannot serialise). */
export function isPoison(error: unknown): boolean {
  if (!(error instanceof Error) || error instanceof StoreUnavailableError) return false;
  const { code, errno } = error as Error & { code?: unknown; errno?: unknown };
  if (code === "ERR_POSTGRES_SERVER_ERROR") return POISON_CLASSES.has(String(errno ?? "").slice(0, 2));
  return error.name === "TypeError" || error.name === "RangeError";
}

/** The URL without its password, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable database URL)";
  }
}

/**
 * Structured fields are stored as JSON text, not jsonb: jsonb refuses strings that JSON itself
 * allows (`\u0000`, a lone surrogate — both can come from a pod's error message), and a row the
 * database refuses would fail its whole batch. JSON.stringify escapes both; parse restores them.
 */
export const toJsonText = (value: unknown): string | null => (value === null ? null : JSON.stringify(value));
export const fromJsonText = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

export interface BackoffOptions {
  /** First pause; doubles up to `maxMs`. */
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 100, maxMs: 5_000 };

/** How often an idle store checks that the database still answers (readiness must not lag an outage). */
export const DEFAULT_HEARTBEAT_MS = 5_000;

export class Database {
  #healthy = true;
  #probing = false;
  #closed = false;
  #lastAnswer = performance.now();
  readonly #heartbeat: ReturnType<typeof setInterval>;

  constructor(
    readonly sql: Sql,
    readonly target: string,
    private readonly backoff: BackoffOptions = DEFAULT_BACKOFF,
    private readonly onHealthChange: (healthy: boolean, error?: unknown) => void = () => {},
    heartbeatMs = DEFAULT_HEARTBEAT_MS,
  ) {
    // Without traffic no query fails, so an outage would go unnoticed by readiness: ping when idle.
    this.#heartbeat = setInterval(() => {
      if (this.#healthy && performance.now() - this.#lastAnswer >= heartbeatMs) {
        this.query((sql) => sql`SELECT 1`).catch(() => {}); // a failure marks the store down
      }
    }, heartbeatMs);
    this.#heartbeat.unref();
  }

  healthy(): boolean {
    return this.#healthy && !this.#closed;
  }

  /** Runs `work`; an outage becomes `StoreUnavailableError` and starts the reconnect probe. */
  async query<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    if (this.#closed) throw new StoreUnavailableError("the PostgreSQL store is closed");
    try {
      const result = await work(this.sql);
      this.#lastAnswer = performance.now();
      return result;
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** The error to surface for `error`; marks the store down when it is an outage. */
  translate(error: unknown): unknown {
    if (!isUnavailable(error)) return error;
    this.markDown(error as Error);
    return new StoreUnavailableError(`PostgreSQL at ${this.target} is unavailable: ${(error as Error).message}`);
  }

  private markDown(cause: Error) {
    if (this.#healthy) {
      this.#healthy = false;
      this.onHealthChange(false, cause); // main.ts logs the change
    }
    if (!this.#probing) void this.probe();
  }

  /** `SELECT 1` with backoff until it answers (reconnecting the pool's connections as it goes). */
  private async probe() {
    this.#probing = true;
    let pause = this.backoff.initialMs;
    while (!this.#closed) {
      await Bun.sleep(pause);
      try {
        await this.sql`SELECT 1`;
        this.#healthy = true;
        this.onHealthChange(true);
        break;
      } catch {
        pause = Math.min(pause * 2, this.backoff.maxMs);
      }
    }
    this.#probing = false;
  }

  async close() {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    await this.sql.close({ timeout: 5 });
  }
}

/**
 * Opens the pool and waits for the database to answer, retrying with backoff for up to
 * `timeoutMs` (a database that starts after the control plane, e.g. in the same compose file).
 */
export interface ConnectOptions {
  logger: Logger;
  timeoutMs: number;
  backoff: BackoffOptions;
  onHealthChange?: (healthy: boolean, error?: unknown) => void;
  heartbeatMs?: number;
}

export async function connect(url: string, options: ConnectOptions): Promise<Database> {
  const { logger, timeoutMs, backoff } = options;
  const target = redactUrl(url);
  const sql = new SQL(url, { max: 10, connectionTimeout: 5, idleTimeout: 60 });
  const deadline = performance.now() + timeoutMs;
  let pause = backoff.initialMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await sql`SELECT 1`;
      return new Database(sql, target, backoff, options.onHealthChange, options.heartbeatMs);
    } catch (error) {
      const message = (error as Error).message;
      if (!isUnavailable(error) || performance.now() + pause > deadline) {
        await sql.close({ timeout: 0 }).catch(() => {});
        const waited = attempt > 1 ? ` after ${attempt} attempts over ${Math.round(timeoutMs / 1000)} s` : "";
        throw new StoreUnavailableError(`cannot connect to PostgreSQL at ${target}${waited}: ${message}`);
      }
      logger.warn({ database: target, attempt, retryInMs: pause, err: message }, "store: database not reachable yet");
      await Bun.sleep(pause);
      pause = Math.min(pause * 2, backoff.maxMs);
    }
  }
}
