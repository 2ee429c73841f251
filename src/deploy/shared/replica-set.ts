/**
 * @module
 * The replicas of one function on a local backend (process or docker): round-robin over the ready
 * ones, and scaling — a new replica takes the next index, surplus replicas stop newest first. What a
 * replica is (a child process, a container) stays with its backend.
 */

/** What a replica set needs from a replica. */
export interface ManagedReplica {
  /** Where to send an invocation while the replica is ready; undefined otherwise. */
  readonly endpoint: string | undefined;
  /** Why its latest run failed, while no later run has become ready. */
  readonly lastError?: string;
  /**
   * Starts the replica. A backend whose first start can be refused (docker) returns a promise that
   * rejects, leaving nothing behind; one that retries on its own (process) returns nothing.
   */
  start(): void | Promise<void>;
  /** Leaves rotation at once, then resolves once the replica is gone. */
  stop(): Promise<void>;
}

/**
 * Builds replica `index`; the replica calls `onReadyChange` whenever its `endpoint` may have changed,
 * and `onFailed` when a run failed (its `lastError` is set).
 */
export type NewReplica<R> = (index: number, onReadyChange: () => void, onFailed: () => void) => R;

export class ReplicaSet<R extends ManagedReplica> {
  readonly replicas: R[] = [];
  private readyEndpoints: string[] = [];
  private cursor = 0;

  constructor(
    readonly name: string,
    private readonly newReplica: NewReplica<R>,
    private readonly announce: (name: string, ready: number) => void,
    private readonly announceFailure: (name: string, error: string) => void = () => undefined,
  ) {}

  get readyCount(): number {
    return this.readyEndpoints.length;
  }

  /** Hot path (one call per invocation): an array lookup, no scan. */
  pick(): string | undefined {
    const list = this.readyEndpoints;
    if (list.length === 0) return undefined;
    const index = this.cursor % list.length;
    this.cursor = index + 1;
    return list[index];
  }

  /**
   * Starts missing replicas, or stops surplus ones newest first and waits for them to be gone. A
   * replica that cannot start leaves the set with every replica added after it; the first such
   * failure is rethrown once they are stopped.
   */
  async scaleTo(count: number): Promise<void> {
    const { keep, failure } =
      this.replicas.length < count ? await this.grow(count) : { keep: count, failure: undefined };
    const surplus = this.replicas.splice(keep).reverse();
    // stop() marks the replica unready and signals it before its first await, so the newest
    // replica is signalled first; then all of them wind down in parallel.
    await Promise.all(surplus.map((replica) => replica.stop()));
    this.refresh();
    if (failure) throw failure.reason;
  }

  /** Adds replicas up to `count`, started in index order; says how many may stay. */
  private async grow(count: number): Promise<{ keep: number; failure: PromiseRejectedResult | undefined }> {
    const before = this.replicas.length;
    const starts: (void | Promise<void>)[] = [];
    while (this.replicas.length < count) {
      const replica = this.newReplica(
        this.replicas.length,
        () => this.refresh(),
        () => this.failed(),
      );
      this.replicas.push(replica);
      starts.push(replica.start());
    }
    const results = await Promise.allSettled(starts);
    const failed = results.findIndex((result) => result.status === "rejected");
    if (failed === -1) return { keep: count, failure: undefined };
    return { keep: before + failed, failure: results[failed] as PromiseRejectedResult };
  }

  /** A replica's run failed: when none of the set serves, the function is Failed (function-status.ts). */
  private failed(): void {
    if (this.readyEndpoints.length > 0) return;
    const error = this.replicas.find((replica) => replica.lastError)?.lastError;
    if (error) this.announceFailure(this.name, error);
  }

  private refresh(): void {
    const before = this.readyEndpoints.length;
    this.readyEndpoints = this.replicas.flatMap((replica) => (replica.endpoint ? [replica.endpoint] : []));
    if (this.readyEndpoints.length !== before) this.announce(this.name, this.readyEndpoints.length);
  }
}
