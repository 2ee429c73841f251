/**
 * Process assertions for the watchdog tests: is a pid gone (not even a zombie), what state is it
 * in, which processes did a watchdog start.
 */
import { expect } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";

/** True when no process with this pid exists any more — not even as a zombie. */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Waits (briefly) until every pid is gone, then asserts it. */
export async function expectGone(pids: number[], withinMs = 2000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline && !pids.every(isGone)) await Bun.sleep(20);
  for (const pid of pids)
    expect({ pid, gone: isGone(pid), state: procState(pid) }).toEqual({ pid, gone: true, state: "gone" });
}

/** `R`, `S`, `Z` (zombie) ... from /proc, or "gone". */
export function procState(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] ?? "?";
  } catch {
    return "gone";
  }
}

/** Reads the pids a fixture wrote to its pid file, waiting for the file to appear. */
export async function readPids(path: string, withinMs = 3000): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (existsSync(path)) {
      const text = readFileSync(path, "utf8").trim();
      if (text) return text.split(/\s+/).map(Number);
    }
    await Bun.sleep(10);
  }
  throw new Error(`no pid file at ${path}`);
}

/** Every live descendant of `pid`, from /proc (children of all its threads, recursively). */
export function descendantsOf(pid: number): number[] {
  const found: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return found;
  }
  for (const tid of tasks) {
    let children: number[] = [];
    try {
      children = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8")
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    } catch {
      // thread gone meanwhile
    }
    for (const child of children) found.push(child, ...descendantsOf(child));
  }
  return found;
}
