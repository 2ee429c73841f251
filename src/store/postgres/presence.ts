/**
 * @module
 * A control plane's presence on a shared PostgreSQL store (issue 20): a session-level advisory lock
 * keyed by its replica id, held on one dedicated connection for as long as the process lives. The
 * database itself then knows who is alive — a killed process's socket closes, its session ends and
 * the lock is free at once, with no heartbeat table and no timeout to tune. Another replica that
 * can take the lock (inside a transaction, so it is released at commit) knows that owner is gone
 * and may claim its unfinished executions (executions.ts).
 *
 * The connection is checked every few seconds; a new session (the client reconnected after a drop)
 * takes the lock again. Between the drop and that check another replica may see this one as gone
 * and claim its rows: those executions may then run twice — the at-least-once rule of
 * docs/high-availability.md.
 */
import { SQL } from "bun";
import type { Logger } from "../../observability/logger";
import type { Database } from "./database";

/** The lock key of a replica: a name of our own, hashed by PostgreSQL. */
const PRESENCE_PREFIX = "nanofaas-replica:";
export const presenceKey = (replicaId: string) => `${PRESENCE_PREFIX}${replicaId}`;

/**
 * The ids of the live replicas, sorted (their order ranks them for the split of shared limits).
 * Rows whose presence lock is free — replicas that are gone — are removed on the way, under a
 * transaction-scoped lock so two counting at once take turns.
 */
export async function liveReplicas(db: Database): Promise<string[]> {
  return db.query((sql) =>
    sql.begin(async (tx) => {
      await tx`DELETE FROM control_planes
        WHERE pg_try_advisory_xact_lock(hashtextextended(${PRESENCE_PREFIX} || replica_id, 0))`;
      const rows: { replica_id: string }[] = await tx`SELECT replica_id FROM control_planes ORDER BY replica_id`;
      return rows.map((r) => r.replica_id);
    }),
  );
}

export class ReplicaPresence {
  readonly #sql: InstanceType<typeof SQL>;
  #pid: number | undefined;
  readonly #timer: ReturnType<typeof setInterval>;
  #closed = false;

  private constructor(
    url: string,
    readonly replicaId: string,
    private readonly logger: Logger,
    checkMs: number,
  ) {
    this.#sql = new SQL(url, { max: 1, idleTimeout: 0, connectionTimeout: 5 });
    this.#timer = setInterval(() => void this.check(), checkMs);
    this.#timer.unref?.();
  }

  /** Takes the replica's lock; fails when another live process already holds this replica id. */
  static async open(url: string, replicaId: string, logger: Logger, checkMs = 2_000): Promise<ReplicaPresence> {
    const presence = new ReplicaPresence(url, replicaId, logger, checkMs);
    try {
      if (!(await presence.check()))
        throw new Error(`replica id ${replicaId} is already in use by another live control plane`);
      return presence;
    } catch (error) {
      await presence.close();
      throw error;
    }
  }

  /** True when this session holds the lock (taking it again after a reconnect). */
  async check(): Promise<boolean> {
    if (this.#closed) return false;
    try {
      const [row] = await this.#sql`SELECT pg_backend_pid() AS pid`;
      if (row.pid === this.#pid) return true;
      const [taken] = await this
        .#sql`SELECT pg_try_advisory_lock(hashtextextended(${presenceKey(this.replicaId)}, 0)) AS locked`;
      if (!taken.locked) return false;
      // Listed among the live replicas (a replica that counted while this one was away removed it).
      await this.#sql`INSERT INTO control_planes (replica_id, started_at) VALUES (${this.replicaId}, ${Date.now()})
        ON CONFLICT (replica_id) DO NOTHING`;
      if (this.#pid !== undefined)
        this.logger.warn({ replicaId: this.replicaId }, "store: presence lock taken again after a reconnect");
      this.#pid = row.pid;
      return true;
    } catch {
      return false; // the database is away; the store's own health reporting says so
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#sql`DELETE FROM control_planes WHERE replica_id = ${this.replicaId}`.catch(() => {});
    // Unlocked explicitly, so the lock is free when close() resolves: the server ends a closed
    // session a moment later, and another replica claiming at once would still find it held.
    await this.#sql`SELECT pg_advisory_unlock(hashtextextended(${presenceKey(this.replicaId)}, 0))`.catch(() => {});
    await this.#sql.close({ timeout: 0 }).catch(() => {});
  }
}
