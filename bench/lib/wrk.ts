/**
 * @module
 * Runs wrk (Debian's `wrk` 4.x) with bench/wrk-post.lua and returns its numbers, plus the CPU
 * the load generator itself used (from the child's resource usage).
 */
import { join } from "node:path";
import { pinned, ROOT } from "./servers";

/** The payload of nanofaas's k6 word-stats test (~100 B), the shape performance.md calibrates with. */
export const BODY = JSON.stringify({
  input: { text: "the quick brown fox jumps over the lazy dog", seq: 1 },
  metadata: { source: "bench", test: "word-stats" },
});

export interface WrkRun {
  requests: number;
  /** Non-2xx/3xx answers (429s from a full queue, 5xx…). */
  statusErrors: number;
  /** Socket errors: connect + read + write + timeouts. */
  socketErrors: number;
  seconds: number;
  rps: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  p999Us: number;
  meanUs: number;
  maxUs: number;
  /** CPU seconds used by wrk. */
  loadgenCpuSeconds: number;
}

export interface WrkOptions {
  url: string;
  connections: number;
  seconds: number;
  threads?: number;
  body?: string;
  /** Sent as `Authorization` with every request (the features table's API key and JWT rows). */
  authorization?: string;
  cpus?: string;
}

export async function runWrk(o: WrkOptions): Promise<WrkRun> {
  const threads = Math.min(o.threads ?? 1, o.connections);
  const cmd = pinned(o.cpus, [
    "wrk",
    `-t${threads}`,
    `-c${o.connections}`,
    `-d${o.seconds}s`,
    "--timeout",
    "10s",
    "-s",
    join(ROOT, "bench/wrk-post.lua"),
    o.url,
  ]);
  const proc = Bun.spawn(cmd, {
    env: { ...process.env, BENCH_BODY: o.body ?? BODY, BENCH_AUTHORIZATION: o.authorization ?? "" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  const code = await proc.exited;
  const line = out.split("\n").find((l) => l.startsWith("BENCHJSON "));
  if (code !== 0 || !line) throw new Error(`wrk failed (${code}): ${err || out}`);
  const r = JSON.parse(line.slice("BENCHJSON ".length));
  const usage = proc.resourceUsage();
  const loadgenCpuSeconds = usage ? Number(usage.cpuTime.user + usage.cpuTime.system) / 1e6 : Number.NaN;
  const seconds = r.durationUs / 1e6;
  return {
    requests: r.requests,
    statusErrors: r.statusErrors,
    socketErrors: r.connectErrors + r.readErrors + r.writeErrors + r.timeouts,
    seconds,
    rps: r.requests / seconds,
    p50Us: r.p50Us,
    p90Us: r.p90Us,
    p99Us: r.p99Us,
    p999Us: r.p999Us,
    meanUs: r.meanUs,
    maxUs: r.maxUs,
    loadgenCpuSeconds,
  };
}
