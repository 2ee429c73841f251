/**
 * @module
 * Process accounting from /proc (Linux): CPU time of a process and its descendants (nginx's
 * master + worker, a shell's child) and resident memory. CPU time is what stays comparable on a
 * shared machine: µs of CPU per request does not depend on how busy the neighbours are.
 */
import { readFileSync } from "node:fs";

/** Linux USER_HZ: /proc/<pid>/stat times are in these ticks on every mainstream kernel. */
export const CLOCK_TICKS_PER_SECOND = 100;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** `pid` and every live descendant (through /proc/<pid>/task/<tid>/children). */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const tasks = read(`/proc/${out[i]}/task/${out[i]}/children`);
    if (!tasks) continue;
    for (const child of tasks.trim().split(/\s+/)) if (child) out.push(Number(child));
  }
  return out;
}

/** utime + stime of one process (all its threads), in seconds; 0 when it is gone. */
function ownCpuSeconds(pid: number): number {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return 0;
  // Fields after "pid (comm) ": comm may contain spaces, so split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** CPU seconds used so far by `pid` and its descendants. */
export function cpuSeconds(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) total += ownCpuSeconds(p);
  return total;
}

/** Resident set size in bytes (VmRSS) of `pid` and its descendants. */
export function rssBytes(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) {
    const match = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${p}/status`) ?? "");
    if (match) total += Number(match[1]) * 1024;
  }
  return total;
}
