/**
 * @module
 * Zombie reaping. As PID 1 in a container — and, because we register as a child subreaper
 * (prctl PR_SET_CHILD_SUBREAPER), also outside one — orphaned descendants of our children are
 * re-parented to the watchdog. Bun waits only for the processes it spawned, so without this they
 * would stay zombies for the life of the pod. We list our children from
 * `/proc/self/task/<tid>/children` and `waitpid(pid, WNOHANG)` only those Bun does not track, so
 * Bun never loses the exit status of a child of its own.
 *
 * Needs glibc's `libc.so.6` through bun:ffi; when that fails (another libc, not Linux) reaping is
 * off and a warning says so.
 */
import type { Logger } from "../log.ts";

export interface Reaper {
  /** Whether reaping works here (known once `loaded` resolves). */
  readonly active: boolean;
  readonly loaded: Promise<void>;
  /** Reaps every exited orphan now; returns how many. */
  reap(): number;
  /** Reaps on an interval until `stop()`; the timer does not keep the process alive. */
  start(intervalMs: number): void;
  stop(): void;
}

const PR_SET_CHILD_SUBREAPER = 36;
const WNOHANG = 1;

interface Sys {
  waitpid(pid: number, status: null, options: number): number;
  readdirSync(path: string): string[];
  readFileSync(path: string, encoding: "utf8"): string;
}

/**
 * Returns at once; the FFI binding loads on the next turn of the event loop, off the start-up path
 * (until then `reap()` does nothing — no invocation has run yet anyway).
 */
export function createReaper(isTracked: (pid: number) => boolean, log: Logger): Reaper {
  let sys: Sys | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  const loaded = new Promise<void>((resolve) => {
    setImmediate(async () => {
      sys = await loadSys(log);
      resolve();
    });
  });
  const reap = (): number => {
    if (!sys) return 0;
    let reaped = 0;
    for (const pid of listChildren(sys)) {
      if (!isTracked(pid) && sys.waitpid(pid, null, WNOHANG) === pid) reaped += 1;
    }
    if (reaped > 0) log.debug("reaped orphaned processes", { count: reaped });
    return reaped;
  };
  return {
    get active() {
      return sys !== undefined;
    },
    loaded,
    reap,
    start(intervalMs) {
      if (timer) return;
      timer = setInterval(reap, intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

async function loadSys(log: Logger): Promise<Sys | undefined> {
  if (process.platform !== "linux") return undefined;
  try {
    const [{ dlopen, FFIType }, fs] = await Promise.all([import("bun:ffi"), import("node:fs")]);
    const libc = dlopen("libc.so.6", {
      prctl: { args: [FFIType.i32, FFIType.u64, FFIType.u64, FFIType.u64, FFIType.u64], returns: FFIType.i32 },
      waitpid: { args: [FFIType.i32, FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
    });
    if (libc.symbols.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) !== 0) {
      log.warn("could not become a child subreaper; orphans are reaped only when running as PID 1");
    }
    return {
      waitpid: (pid, status, options) => libc.symbols.waitpid(pid, status, options),
      readdirSync: (path) => fs.readdirSync(path),
      readFileSync: (path, encoding) => fs.readFileSync(path, encoding),
    };
  } catch (error) {
    const level = process.pid === 1 ? "warn" : "debug";
    log[level]("zombie reaping unavailable", { reason: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}

/** Our direct children, across all threads (a re-parented orphan may hang off any of them). */
function listChildren(sys: Sys): number[] {
  const pids: number[] = [];
  let tasks: string[];
  try {
    tasks = sys.readdirSync("/proc/self/task");
  } catch {
    return pids;
  }
  for (const tid of tasks) {
    try {
      for (const pid of sys.readFileSync(`/proc/self/task/${tid}/children`, "utf8").split(" ")) {
        if (pid.trim() !== "") pids.push(Number(pid));
      }
    } catch {
      // The thread ended between readdir and read: nothing to collect from it.
    }
  }
  return pids;
}
