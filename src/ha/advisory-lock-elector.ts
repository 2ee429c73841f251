/**
 * @module
 * Leader election outside Kubernetes (issue 20): a PostgreSQL session-level advisory lock on the
 * shared database. The lock lives as long as the database session that took it, so the leader
 * holds one dedicated connection (never a pooled one: a pooled connection handed back would keep
 * the lock for whichever query borrows it next).
 *
 * - a follower tries `pg_try_advisory_lock` every `retryPeriodMs` (never blocks);
 * - the leader checks every `retryPeriodMs` that its session is still the one holding the lock —
 *   same backend pid. The client reconnects on its own after a dropped connection, and a new
 *   session holds nothing: a changed pid means the lock is gone, so it steps down at once;
 * - a leader whose checks fail (database unreachable) steps down at `renewDeadlineMs` and closes the
 *   connection. PostgreSQL releases the lock when it notices the session is gone: at once when the
 *   process dies (the kernel closes its socket), after TCP keepalive on a network partition — the
 *   window docs/high-availability.md describes;
 * - `stop()` unlocks and closes, so the next replica leads at its next try.
 */
import { SQL } from "bun";
import type { LeaderElector, Leadership } from "./leadership";
import { Rounds } from "./rounds";

export interface AdvisoryLockElectorOptions {
  databaseUrl: string;
  /** The lock is keyed by this name (NANOFAAS_LEASE_NAME), hashed by PostgreSQL. */
  name: string;
  leadership: Leadership;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  log?: (event: string, fields?: Record<string, unknown>) => void;
}

/** The lock key: a name of our own, so other applications' advisory locks on the database never collide. */
const lockKey = (name: string) => `nanofaas-leader:${name}`;

export class AdvisoryLockElector implements LeaderElector {
  readonly leadership: Leadership;
  readonly #o: AdvisoryLockElectorOptions;
  #sql: InstanceType<typeof SQL> | undefined;
  /** The backend pid of the session holding the lock while this replica leads. */
  #lockPid: number | undefined;
  #renewedAt = 0;
  readonly #rounds: Rounds;

  constructor(options: AdvisoryLockElectorOptions) {
    this.#o = options;
    this.leadership = options.leadership;
    this.#rounds = new Rounds(() => this.#round(), options.retryPeriodMs);
  }

  start(): void {
    this.#rounds.start();
  }

  /** One round: acquire or renew (tests drive rounds by hand). */
  tick(): Promise<void> {
    return this.#rounds.tick();
  }

  async stop(): Promise<void> {
    await this.#rounds.stop();
    if (this.leadership.isLeader()) {
      this.leadership.set(false, "stopped");
      const sql = this.#sql;
      if (sql) await sql`SELECT pg_advisory_unlock(hashtextextended(${lockKey(this.#o.name)}, 0))`.catch(() => {});
    }
    await this.#disconnect();
  }

  async #round(): Promise<void> {
    const { leadership } = this;
    try {
      if (leadership.isLeader()) {
        const pid = await this.#query<{ pid: number }>((sql) => sql`SELECT pg_backend_pid() AS pid`);
        if (pid.pid === this.#lockPid) this.#renewedAt = performance.now();
        else {
          this.#lockPid = undefined;
          leadership.set(false, "lost the database session that held the lock");
        }
        return;
      }
      const row = await this.#query<{ locked: boolean; pid: number }>(
        (sql) =>
          sql`SELECT pg_try_advisory_lock(hashtextextended(${lockKey(this.#o.name)}, 0)) AS locked, pg_backend_pid() AS pid`,
      );
      if (!row.locked) return;
      this.#lockPid = row.pid;
      this.#renewedAt = performance.now();
      leadership.set(true, "acquired the advisory lock");
    } catch (error) {
      this.#o.log?.("advisory-lock election: the database did not answer", { err: String(error) });
      if (leadership.isLeader() && performance.now() - this.#renewedAt > this.#o.renewDeadlineMs) {
        this.#lockPid = undefined;
        leadership.set(false, "renew deadline passed");
        // A session we can no longer vouch for must not keep the lock if it is still alive.
        await this.#disconnect();
      }
    }
  }

  /** One query on the dedicated connection, given up after a retry period (a hung database). */
  async #query<T>(run: (sql: InstanceType<typeof SQL>) => Promise<unknown>): Promise<T> {
    this.#sql ??= new SQL(this.#o.databaseUrl, { max: 1, idleTimeout: 0 });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("no answer within the retry period")), this.#o.retryPeriodMs);
    });
    try {
      const rows = (await Promise.race([run(this.#sql), timeout])) as T[];
      return rows[0] as T;
    } finally {
      clearTimeout(timer);
    }
  }

  async #disconnect(): Promise<void> {
    const sql = this.#sql;
    this.#sql = undefined;
    await sql?.close({ timeout: 0 }).catch(() => {});
  }
}
