/**
 * @module
 * A record on disk of the replica process groups a control plane runs, so that a control plane
 * started after a crash can reap what the dead one left (issue 13.12). Replicas already die with
 * their control plane (see `watchedArgv` in replica-launch.ts); the ledger is the second line for
 * a watcher that was killed on its own.
 *
 * One file per group, `<owner pid>-<pgid>.json`, holding both processes' start times (Linux
 * `/proc/<pid>/stat` field 22), so a recycled PID is never mistaken for either. At start-up only
 * entries whose owner is gone are reaped: several control planes may share the directory.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { signalGroup } from "./process-group";

interface Entry {
  owner: number;
  ownerStart: string;
  pgid: number;
  start: string;
}

/** The kernel's start time of `pid` (clock ticks since boot), or undefined when it is not running. */
export function processStartTime(pid: number): string | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return fields[0] === "Z" ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

export class GroupLedger {
  private readonly ownerStart: string | undefined;

  constructor(
    private readonly dir: string,
    private readonly owner = process.pid,
  ) {
    this.ownerStart = processStartTime(owner);
  }

  /** Writes the entry for `pgid`; failures (a read-only disk, no /proc) only lose the second line. */
  record(pgid: number): void {
    const start = processStartTime(pgid);
    if (start === undefined || this.ownerStart === undefined) return;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const entry: Entry = { owner: this.owner, ownerStart: this.ownerStart, pgid, start };
      writeFileSync(this.file(pgid), JSON.stringify(entry));
    } catch {
      // Best effort: see above.
    }
  }

  forget(pgid: number): void {
    rmSync(this.file(pgid), { force: true });
  }

  /** SIGKILLs the groups recorded by control planes that are no longer running; returns their pgids. */
  reapLeftovers(): number[] {
    const reaped: number[] = [];
    for (const name of this.entries()) {
      const entry = this.read(name);
      if (!entry || processStartTime(entry.owner) === entry.ownerStart) continue; // owner alive
      if (processStartTime(entry.pgid) === entry.start && signalGroup(entry.pgid, "SIGKILL")) reaped.push(entry.pgid);
      rmSync(join(this.dir, name), { force: true });
    }
    return reaped;
  }

  private entries(): string[] {
    try {
      return readdirSync(this.dir).filter((name) => /^\d+-\d+\.json$/.test(name));
    } catch {
      return [];
    }
  }

  private read(name: string): Entry | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dir, name), "utf8")) as Entry;
    } catch {
      return undefined;
    }
  }

  private file(pgid: number): string {
    return join(this.dir, `${this.owner}-${pgid}.json`);
  }
}
