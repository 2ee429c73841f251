/**
 * @module
 * Every process the watchdog starts goes through here. Each child gets its own session and process
 * group (`setsid`), so that a timeout or a shutdown reaches everything it forked — the reference only
 * signalled the direct child and left `sh -c` grandchildren behind. The policy in one place:
 *
 * - When a child exits, whatever is left in its group is SIGKILLed at once: the invocation is over,
 *   and a background process still holding stdout would otherwise hold the result back.
 * - `terminate` forwards a signal to the group (SIGTERM by default), waits up to the grace period
 *   for the child to exit, then SIGKILLs the group.
 */
import type { Subprocess } from "bun";

export interface ExitStatus {
  /** Exit code, or null when the process died from a signal. */
  code: number | null;
  signal: string | null;
}

export interface Child {
  readonly pid: number;
  readonly exited: Promise<ExitStatus>;
  readonly stdout: ReadableStream<Uint8Array> | undefined;
  readonly stderr: ReadableStream<Uint8Array> | undefined;
  readonly hasExited: () => boolean;
}

type Stdin = Uint8Array | "ignore";
type Output = "pipe" | "inherit" | "ignore" | number;

export interface SpawnOptions {
  env: Record<string, string>;
  stdin: Stdin;
  stdout: Output;
  stderr: Output;
}

export interface Children {
  /** Throws when the command cannot be started (not found, not executable). */
  spawn(argv: string[], options: SpawnOptions): Child;
  terminate(child: Child, graceMs: number, signal?: NodeJS.Signals): Promise<void>;
  terminateAll(graceMs: number, signal?: NodeJS.Signals): Promise<void>;
  /** Pids of live children; the reaper must leave these to Bun, which waits for them itself. */
  isTracked(pid: number): boolean;
  readonly size: number;
}

/**
 * `onStragglersKilled` runs when a finished child left processes behind that had to be killed:
 * they become zombies re-parented to us, so that is the moment to reap (reaper.ts).
 */
export function createChildren(onStragglersKilled: () => void = () => {}): Children {
  const live = new Map<number, Child>();

  const spawn = (argv: string[], options: SpawnOptions): Child => {
    const proc: Subprocess = Bun.spawn({
      cmd: argv,
      env: options.env,
      stdin: options.stdin,
      stdout: options.stdout,
      stderr: options.stderr,
      detached: true,
    }) as Subprocess;
    const pid = proc.pid;
    let done = false;
    const exited = proc.exited.then((): ExitStatus => {
      done = true;
      live.delete(pid);
      if (signalGroup(pid, "SIGKILL")) onStragglersKilled();
      const signal = proc.signalCode;
      return { code: signal ? null : proc.exitCode, signal: typeof signal === "number" ? `signal ${signal}` : signal };
    });
    const child: Child = {
      pid,
      exited,
      stdout: asStream(proc.stdout),
      stderr: asStream(proc.stderr),
      hasExited: () => done,
    };
    live.set(pid, child);
    return child;
  };

  const terminate = async (child: Child, graceMs: number, signal: NodeJS.Signals = "SIGTERM") => {
    if (!child.hasExited()) {
      signalGroup(child.pid, signal);
      await settleWithin(child.exited, graceMs);
      signalGroup(child.pid, "SIGKILL");
    }
    await child.exited;
  };

  return {
    spawn,
    terminate,
    terminateAll: async (graceMs, signal) => {
      await Promise.all([...live.values()].map((c) => terminate(c, graceMs, signal)));
    },
    isTracked: (pid) => live.has(pid),
    get size() {
      return live.size;
    },
  };
}

/**
 * Signals a whole process group; returns whether anything received it. Never throws: a group that
 * is already gone (ESRCH) is the common case, and this runs inside exit handlers.
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Waits for `promise` at most `ms`; the timer is cleared so it never holds the process open. */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}

function asStream(value: unknown): ReadableStream<Uint8Array> | undefined {
  return value instanceof ReadableStream ? (value as ReadableStream<Uint8Array>) : undefined;
}
