/**
 * @module
 * Whether this control plane is the leader — the one owner of that fact (issue 20). An elector
 * (a Kubernetes Lease, a PostgreSQL advisory lock, or none) sets it; the singletons (cron
 * scheduler, autoscaler, retention janitors, the Function operator) read it at every tick, and
 * listeners hear each change at once, so a replica that loses the lease stops acting before its
 * next tick rather than at it.
 */
import { hostname } from "node:os";

export type ElectionKind = "lease" | "advisory-lock" | "none";

export interface LeadershipChange {
  leader: boolean;
  /** Why it changed: "acquired", "renew deadline passed", "lost the lock", "stopped"… */
  reason: string;
}

export class Leadership {
  #leader: boolean;
  #since = Date.now();
  readonly #listeners = new Set<(change: LeadershipChange) => void>();

  /**
   * `replicaId` names this process in the Lease's holderIdentity and in /actuator/health: the pod
   * name in a cluster (the hostname), plus a random suffix so two processes on one host differ.
   */
  constructor(
    readonly kind: ElectionKind,
    readonly replicaId: string = defaultReplicaId(),
  ) {
    // Without an election there is one control plane, and it leads.
    this.#leader = kind === "none";
  }

  /** A function, so it can be handed to the singletons as `isLeader` without binding. */
  readonly isLeader = (): boolean => this.#leader;

  /** When the current state began (epoch ms). */
  get since(): number {
    return this.#since;
  }

  /** Called by the elector only. A no-op when nothing changes. */
  set(leader: boolean, reason: string): void {
    if (leader === this.#leader) return;
    this.#leader = leader;
    this.#since = Date.now();
    for (const listener of this.#listeners) listener({ leader, reason });
  }

  /** Hears every change; returns the unsubscribe function. */
  onChange(listener: (change: LeadershipChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

export function defaultReplicaId(): string {
  return `${hostname()}-${crypto.randomUUID().slice(0, 8)}`;
}

/** What an elector does; `stop` gives the leadership up (releasing the lease or lock) and resolves after. */
export interface LeaderElector {
  readonly leadership: Leadership;
  start(): void;
  stop(): Promise<void>;
}
