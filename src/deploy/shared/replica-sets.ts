/**
 * @module
 * Every function's replica set on one local backend (process or docker), and the listeners told
 * when a function's ready-replica count changes: what those backends' Deployers answer
 * `readyReplicas`, `pickEndpoint` and `onReadyChange` from.
 */
import { NanofaasError } from "../../domain/errors";
import { type ManagedReplica, type NewReplica, ReplicaSet } from "./replica-set";

type ReadyListener = (name: string, ready: number) => void;
type FailureListener = (name: string, error: string) => void;

export class ReplicaSets<R extends ManagedReplica> {
  private readonly sets = new Map<string, ReplicaSet<R>>();
  private readonly listeners = new Set<ReadyListener>();
  private readonly failureListeners = new Set<FailureListener>();

  /** `backendId` names the backend in errors; `output` receives a line when a listener throws. */
  constructor(
    private readonly backendId: string,
    private readonly output: (line: string) => void,
  ) {}

  /** A new, empty set for `name`. `remove` an existing one first, or its replicas would run on unseen. */
  create(name: string, newReplica: NewReplica<R>): ReplicaSet<R> {
    const set = new ReplicaSet(
      name,
      newReplica,
      (fn, ready) => this.announce(fn, ready),
      (fn, error) => this.tell(this.failureListeners, (listener) => listener(fn, error), fn),
    );
    this.sets.set(name, set);
    return set;
  }

  /** The set of a function this backend runs; NOT_FOUND for any other name. */
  existing(name: string): ReplicaSet<R> {
    const set = this.sets.get(name);
    if (!set) throw new NanofaasError("NOT_FOUND", `Function '${name}' has no ${this.backendId}-backend replicas`);
    return set;
  }

  /** The replicas of `name` in index order (none for an unknown name); for introspection. */
  replicas(name: string): readonly R[] {
    return this.sets.get(name)?.replicas ?? [];
  }

  /** Forgets `name` at once, then stops its replicas; an unknown name is not an error. */
  async remove(name: string): Promise<void> {
    const set = this.sets.get(name);
    if (!set) return;
    this.sets.delete(name);
    await set.scaleTo(0);
  }

  async removeAll(): Promise<void> {
    await Promise.all([...this.sets.keys()].map((name) => this.remove(name)));
  }

  /** The first replica's `lastError` (see SupervisedReplica), if any replica has one. */
  lastError(name: string): string | undefined {
    for (const replica of this.replicas(name)) if (replica.lastError) return replica.lastError;
    return undefined;
  }

  readyCount(name: string): number {
    return this.sets.get(name)?.readyCount ?? 0;
  }

  pick(name: string): string | undefined {
    return this.sets.get(name)?.pick();
  }

  /** Subscribes to ready-count changes; returns the unsubscribe function. */
  onReadyChange(listener: ReadyListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Subscribes to "a replica failed and none is ready" (Deployer.onReplicaFailure). */
  onFailure(listener: FailureListener): () => void {
    this.failureListeners.add(listener);
    return () => void this.failureListeners.delete(listener);
  }

  private announce(name: string, ready: number): void {
    this.tell(this.listeners, (listener) => listener(name, ready), name);
  }

  /** A throwing listener is reported and must not keep the others from hearing the change. */
  private tell<L>(listeners: Set<L>, call: (listener: L) => void, name: string): void {
    for (const listener of listeners) {
      try {
        call(listener);
      } catch (error) {
        this.output(`[fn/${name}] nanofaas: a replica listener failed: ${(error as Error).message}`);
      }
    }
  }
}

/** `setReplicas` takes a non-negative integer; anything else is the caller's mistake. */
export function checkReplicaCount(replicas: number): void {
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw new NanofaasError("BAD_REQUEST", `replicas must be a non-negative integer (got ${replicas})`);
  }
}
