/**
 * @module
 * Leader election with a `coordination.k8s.io/v1` Lease (issue 20), the protocol Kubernetes' own
 * controllers use, spoken through the real client:
 *
 * - every `retryPeriodMs` each replica reads the Lease. The holder renews `renewTime`; another
 *   replica takes the Lease over only when its record has not changed for `durationMs` *as this
 *   replica observed it* — local observation, not the holder's timestamp, so clock skew between
 *   nodes cannot make a live lease look expired.
 * - every write carries the `resourceVersion` read, so two replicas racing for an expired Lease
 *   cannot both win: the API server answers 409 to the second, which stays a follower.
 * - a leader that has not renewed successfully for `renewDeadlineMs` (< `durationMs`) steps down at
 *   once, before anyone else can acquire: its singletons stop before another replica's start.
 * - `stop()` releases the Lease (empty holder), so a rolling update hands over in one retry period
 *   instead of a lease duration.
 */
import type { CoordinationV1Api, V1Lease } from "@kubernetes/client-node";
import type { LeaderElector, Leadership } from "../../ha/leadership";
import { Rounds } from "../../ha/rounds";

export interface LeaseElectorOptions {
  api: CoordinationV1Api;
  namespace: string;
  name: string;
  leadership: Leadership;
  durationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  log?: (event: string, fields?: Record<string, unknown>) => void;
  /** Monotonic milliseconds (tests pass a manual clock). */
  now?: () => number;
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits (the API server parses that). */
export const microTime = (epochMs: number): string => new Date(epochMs).toISOString().replace(/Z$/, "000Z");

const statusCode = (error: unknown): number | undefined => {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "number" ? code : undefined;
};

export class LeaseElector implements LeaderElector {
  readonly leadership: Leadership;
  readonly #o: LeaseElectorOptions;
  readonly #now: () => number;
  /** The last record seen (holder + renewTime + transitions) and when this replica first saw it. */
  #observed: { record: string; at: number } | undefined;
  /** When this replica last renewed successfully while leading. */
  #renewedAt = 0;
  readonly #rounds: Rounds;

  constructor(options: LeaseElectorOptions) {
    this.#o = options;
    this.leadership = options.leadership;
    this.#rounds = new Rounds(() => this.#round(), options.retryPeriodMs);
    this.#now = options.now ?? (() => performance.now());
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
    if (!this.leadership.isLeader()) return;
    this.leadership.set(false, "stopped");
    await this.#release();
  }

  async #round(): Promise<void> {
    const { leadership } = this;
    try {
      const held = await this.#tryAcquireOrRenew();
      if (held) {
        this.#renewedAt = this.#now();
        leadership.set(true, "acquired the lease");
      } else leadership.set(false, "another replica holds the lease");
    } catch (error) {
      this.#o.log?.("lease election: the API server did not answer", { err: String(error), lease: this.#o.name });
    }
    // Whatever failed above, a leader that cannot renew in time must stop acting now.
    if (leadership.isLeader() && this.#now() - this.#renewedAt > this.#o.renewDeadlineMs)
      leadership.set(false, "renew deadline passed");
  }

  /** True when this replica holds the lease after the round. */
  async #tryAcquireOrRenew(): Promise<boolean> {
    const { api, namespace, name, leadership } = this.#o;
    const me = leadership.replicaId;
    const nowMs = Date.now();
    let lease: V1Lease;
    try {
      lease = await api.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (statusCode(error) !== 404) throw error;
      return this.#write(() => api.createNamespacedLease({ namespace, body: this.#fresh(nowMs, 0) }));
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? "";
    const record = `${holder}|${String(spec.renewTime ?? "")}|${spec.leaseTransitions ?? 0}`;
    if (this.#observed?.record !== record) this.#observed = { record, at: this.#now() };
    const durationMs = (spec.leaseDurationSeconds ?? this.#o.durationMs / 1000) * 1000;
    const expired = holder === "" || this.#now() - this.#observed.at > durationMs;
    if (holder !== me && !expired) return false;
    const body: V1Lease = {
      ...lease,
      spec:
        holder === me
          ? { ...spec, renewTime: microTime(nowMs) as unknown as Date, leaseDurationSeconds: this.#durationSeconds() }
          : this.#fresh(nowMs, (spec.leaseTransitions ?? 0) + 1).spec,
    };
    // `lease.metadata.resourceVersion` makes the replace conditional: a 409 means someone else wrote first.
    return this.#write(() => api.replaceNamespacedLease({ name, namespace, body }));
  }

  async #write(request: () => Promise<V1Lease>): Promise<boolean> {
    try {
      const written = await request();
      const spec = written.spec ?? {};
      this.#observed = {
        record: `${spec.holderIdentity ?? ""}|${String(spec.renewTime ?? "")}|${spec.leaseTransitions ?? 0}`,
        at: this.#now(),
      };
      return true;
    } catch (error) {
      if (statusCode(error) === 409) return false; // lost the race: another replica wrote first
      throw error;
    }
  }

  #durationSeconds(): number {
    return Math.max(1, Math.round(this.#o.durationMs / 1000));
  }

  #fresh(nowMs: number, transitions: number): V1Lease {
    const time = microTime(nowMs) as unknown as Date;
    return {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: this.#o.name, namespace: this.#o.namespace },
      spec: {
        holderIdentity: this.leadership.replicaId,
        leaseDurationSeconds: this.#durationSeconds(),
        acquireTime: time,
        renewTime: time,
        leaseTransitions: transitions,
      },
    };
  }

  /** Gives the lease up: an empty holder lets the next replica take it at its next retry. */
  async #release(): Promise<void> {
    const { api, namespace, name } = this.#o;
    try {
      const lease = await api.readNamespacedLease({ name, namespace });
      if (lease.spec?.holderIdentity !== this.leadership.replicaId) return;
      const body: V1Lease = {
        ...lease,
        spec: {
          ...lease.spec,
          holderIdentity: "",
          leaseDurationSeconds: 1,
          renewTime: microTime(Date.now()) as unknown as Date,
        },
      };
      await api.replaceNamespacedLease({ name, namespace, body });
    } catch (error) {
      // The lease then expires after its duration; nothing else to do on the way out.
      this.#o.log?.("lease election: could not release the lease", { err: String(error), lease: name });
    }
  }
}
