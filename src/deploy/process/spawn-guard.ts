/**
 * @module
 * Spawning replica processes without taking the control plane down (issue 13.3). When the host's
 * process limit (RLIMIT_NPROC, a cgroup's pids.max) is reached, `posix_spawn` fails with EAGAIN —
 * catchable — but Bun itself aborts the next time it needs a thread (an HTTP client, a file read),
 * so the control plane dies moments later. On the first EAGAIN the guard therefore frees headroom
 * at once — it SIGKILLs the newest replica process groups — and from then on refuses to run more
 * groups than were left. Each refused or failed spawn is an error of that replica, which retries
 * with backoff; the cap holds until the control plane restarts (lower the replica counts).
 */
import type { Subprocess, SpawnOptions } from "bun";
import type { GroupReaper } from "./process-group";

export type ReplicaProcess = Subprocess<"pipe", "pipe", "pipe">;
export type SpawnFn = (argv: string[], options: SpawnOptions.OptionsObject<"pipe", "pipe", "pipe">) => ReplicaProcess;

/** Groups shed on EAGAIN: at least this many, or a tenth of those running. */
const MIN_SHED = 4;

export class SpawnGuard {
  private cap = Number.POSITIVE_INFINITY;

  constructor(
    private readonly reaper: GroupReaper,
    private readonly emit: (line: string) => void,
    private readonly spawnFn: SpawnFn = (argv, options) => Bun.spawn(argv, options),
  ) {}

  /** The most replica process groups this backend will run, once the host's limit was hit. */
  get limit(): number {
    return this.cap;
  }

  /** Spawns, or throws an Error saying why not (the cap, EAGAIN, a missing program…). */
  spawn(argv: string[], options: SpawnOptions.OptionsObject<"pipe", "pipe", "pipe">): ReplicaProcess {
    if (this.reaper.size >= this.cap) {
      throw new Error(
        `the host's process limit was reached earlier; this backend now runs at most ${this.cap} replica processes`,
      );
    }
    try {
      return this.spawnFn(argv, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EAGAIN") this.exhausted();
      throw error;
    }
  }

  private exhausted(): void {
    const running = this.reaper.size;
    const shed = Math.min(running, Math.max(MIN_SHED, Math.ceil(running / 10)));
    this.cap = running - shed;
    this.reaper.shedNewest(shed);
    this.emit(
      `[nanofaas] the host's process limit was reached (EAGAIN) with ${running} replica process groups: ` +
        `killed the ${shed} newest and will run at most ${this.cap} (lower minReplicas/maxReplicas or NANOFAAS_MAX_REPLICAS)`,
    );
  }
}
