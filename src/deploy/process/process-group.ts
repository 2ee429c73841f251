/**
 * @module
 * Process-group signalling. Every replica is spawned with `detached: true` (setsid), so its PID is
 * also its process-group id; signalling `-pgid` reaches a `sh`/`bun` wrapper's children too, which
 * signalling the PID alone would orphan.
 */

/** Sends `signal` to every process in group `pgid`. Returns false when the group is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

/**
 * Signals the group led by `pid`, or the process alone if it leads no group (spawned without
 * setsid by some platform or Bun version): a missing group must never mean a surviving replica.
 */
export function signalTree(pid: number, signal: NodeJS.Signals): boolean {
  if (signalGroup(pid, signal)) return true;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Groups that must die with the control plane. A synchronous `process.on("exit")` hook SIGKILLs
 * whatever is left — the last resort for an exit that skipped `close()` (uncaught exception,
 * `process.exit` elsewhere). It cannot help against SIGKILL of the control plane itself: nothing
 * runs then. For that, each replica watches a pipe from the control plane (replica-launch.ts) and
 * the optional ledger lets the next control plane reap what survived.
 */
/** What the reaper needs of the on-disk ledger (group-ledger.ts), declared here so the two files do not import each other. */
export interface GroupRecorder {
  record(pgid: number): void;
  forget(pgid: number): void;
}

export class GroupReaper {
  private readonly groups = new Set<number>();

  /** `ledger` records each group on disk, for the control plane that starts after a crash. */
  constructor(private readonly ledger?: GroupRecorder) {}

  private readonly onExit = () => this.killAll();
  private installed = false;

  add(pgid: number): void {
    this.groups.add(pgid);
    this.ledger?.record(pgid);
    if (!this.installed) {
      process.on("exit", this.onExit);
      this.installed = true;
    }
  }

  delete(pgid: number): void {
    this.groups.delete(pgid);
    this.ledger?.forget(pgid);
  }

  /** Synchronous on purpose: it runs inside the "exit" event, where nothing async completes. */
  killAll(): void {
    for (const pgid of this.groups) {
      try {
        // Group only: the leader may be long gone and its PID reused by an unrelated process.
        signalGroup(pgid, "SIGKILL");
        this.ledger?.forget(pgid);
      } catch {
        // EPERM and the like: nothing more can be done while exiting.
      }
    }
    this.groups.clear();
  }

  /** SIGKILLs the `count` most recently added groups and forgets them (freeing process slots). */
  shedNewest(count: number): number[] {
    const newest = [...this.groups].slice(-count).reverse();
    for (const pgid of newest) {
      this.delete(pgid);
      signalTree(pgid, "SIGKILL");
    }
    return newest;
  }

  /** Removes the exit hook (after `close()` has stopped everything gracefully). */
  dispose(): void {
    if (this.installed) process.off("exit", this.onExit);
    this.installed = false;
  }

  get size(): number {
    return this.groups.size;
  }
}
