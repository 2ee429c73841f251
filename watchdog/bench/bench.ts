/**
 * Watchdog benchmark: start-up to ready and per-invocation overhead in warm STDIO and HTTP modes,
 * each measured side by side with the same work done without the watchdog, and reported as
 * differences and ratios (absolute numbers on a shared machine mean little on their own).
 *
 *   bun watchdog/bench/bench.ts [--requests 2000] [--starts 15] [--json]
 *
 * - start-up: spawn → first `GET /health` 200, for the compiled watchdog (STDIO, also built with
 *   `--bytecode`; and HTTP with a Bun child) against a compiled hello-world Bun server and the bare
 *   HTTP child.
 * - STDIO overhead: `POST /invoke` → `cat` through the watchdog vs spawning `cat` with the same
 *   stdin directly from this process (what the function costs anyway).
 * - HTTP overhead: `POST /invoke` through the watchdog vs straight to its child's port.
 * Requests are sequential over one keep-alive connection, after a warm-up.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const ROOT = resolve(import.meta.dir, "../..");
const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    requests: { type: "string", default: "2000" },
    starts: { type: "string", default: "15" },
    json: { type: "boolean" },
  },
});
const REQUESTS = Number(values.requests);
const STARTS = Number(values.starts);
const STDIO_REQUESTS = Math.max(50, Math.floor(REQUESTS / 4));
const BODY = JSON.stringify({ input: { text: "hello world", n: 42 }, metadata: { source: "bench" } });
const ECHO = `${process.execPath} ${join(import.meta.dir, "echo_server.ts")}`;

interface Stats {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
  return { n: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), mean };
}

async function compile(entry: string, dir: string, name: string, extra: string[] = []): Promise<string> {
  const out = join(dir, name);
  const build = Bun.spawn([process.execPath, "build", "--compile", "--minify", ...extra, entry, "--outfile", out], {
    cwd: ROOT,
    stdout: "ignore",
    stderr: "inherit",
  });
  if ((await build.exited) !== 0) throw new Error(`cannot compile ${entry}`);
  return out;
}

function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

async function waitFor200(url: string, limitMs = 10_000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (performance.now() < deadline) {
    const res = await fetch(url).catch(() => undefined);
    if (res) await res.arrayBuffer();
    if (res?.status === 200) return;
    await Bun.sleep(1);
  }
  throw new Error(`no 200 from ${url}`);
}

interface Started {
  proc: Bun.Subprocess;
  port: number;
  stderr: string[];
}

function start(cmd: string[], env: Record<string, string>, port: number): Started {
  const stderr: string[] = [];
  const proc = Bun.spawn(cmd, {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env },
    stdout: "ignore",
    stderr: "pipe",
  });
  void (async () => {
    const decoder = new TextDecoder();
    const reader = (proc.stderr as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      stderr.push(decoder.decode(value));
    }
  })();
  return { proc, port, stderr };
}

async function stop(s: Started): Promise<void> {
  s.proc.kill("SIGTERM");
  const timer = setTimeout(() => s.proc.kill("SIGKILL"), 5000);
  await s.proc.exited;
  clearTimeout(timer);
}

interface StartCase {
  cmd: string[];
  env: (port: number) => Record<string, string>;
  path: string;
}

/** spawn → first 200, `STARTS` rounds; the cases take turns so that load drifts hit all alike. */
async function startups<K extends string>(cases: Record<K, StartCase>): Promise<Record<K, Stats>> {
  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < STARTS; i++) {
    for (const [name, c] of Object.entries(cases) as [K, StartCase][]) {
      const port = freePort();
      const began = performance.now();
      const s = start(c.cmd, c.env(port), port);
      await waitFor200(`http://127.0.0.1:${port}${c.path}`);
      samples[name].push(performance.now() - began);
      await stop(s);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, stats(v as number[])])) as Record<K, Stats>;
}

async function sequential(n: number, once: () => Promise<void>): Promise<Stats> {
  for (let i = 0; i < Math.min(100, n); i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const began = performance.now();
    await once();
    samples.push(performance.now() - began);
  }
  return stats(samples);
}

function post(url: string): () => Promise<void> {
  return async () => {
    const res = await fetch(url, {
      method: "POST",
      body: BODY,
      headers: { "Content-Type": "application/json", "X-Execution-Id": "bench" },
    });
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
}

const bodyBytes = new TextEncoder().encode(BODY);
async function spawnCat(): Promise<void> {
  const proc = Bun.spawn(["cat"], { stdin: bodyBytes, stdout: "pipe", stderr: "pipe", detached: true });
  await new Response(proc.stdout).arrayBuffer();
  await proc.exited;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "watchdog-bench-"));
  try {
    const watchdog = await compile("watchdog/src/main.ts", dir, "watchdog");
    const hello = await compile(join(import.meta.dir, "hello_server.ts"), dir, "hello");
    // Not what `just build-watchdog` does today: measured to see whether it is worth adding.
    const bytecode = await compile("watchdog/src/main.ts", dir, "watchdog-bytecode", ["--bytecode"]);
    const warmEnv = (mode: string, cmd: string) => (port: number) => ({
      WARM: "true",
      WARM_PORT: String(port),
      EXECUTION_MODE: mode,
      WATCHDOG_CMD: cmd,
    });

    const startupResults = await startups({
      helloWorld: { cmd: [hello], env: (port) => ({ PORT: String(port) }), path: "/" },
      watchdogStdio: { cmd: [watchdog], env: warmEnv("STDIO", "cat"), path: "/health" },
      watchdogStdioBytecode: { cmd: [bytecode], env: warmEnv("STDIO", "cat"), path: "/health" },
      childAlone: { cmd: ECHO.split(" "), env: (port) => ({ PORT: String(port) }), path: "/health" },
      watchdogHttp: { cmd: [watchdog], env: warmEnv("HTTP", ECHO), path: "/health" },
    });

    const stdioPort = freePort();
    const stdio = start([watchdog], warmEnv("STDIO", "cat")(stdioPort), stdioPort);
    await waitFor200(`http://127.0.0.1:${stdioPort}/health`);
    const stdioDirect = await sequential(STDIO_REQUESTS, spawnCat);
    const stdioVia = await sequential(STDIO_REQUESTS, post(`http://127.0.0.1:${stdioPort}/invoke`));
    await stop(stdio);

    const httpPort = freePort();
    const http = start([watchdog], { ...warmEnv("HTTP", ECHO)(httpPort), LOG_LEVEL: "info" }, httpPort);
    await waitFor200(`http://127.0.0.1:${httpPort}/health`);
    const ready = http.stderr
      .join("")
      .split("\n")
      .find((l) => l.includes("function runtime ready"));
    const childPort = (JSON.parse(ready!) as { port: number }).port;
    const httpDirect = await sequential(REQUESTS, post(`http://127.0.0.1:${childPort}/invoke`));
    const httpVia = await sequential(REQUESTS, post(`http://127.0.0.1:${httpPort}/invoke`));
    await stop(http);

    const report = {
      machine: { bun: Bun.version, cpus: navigator.hardwareConcurrency },
      startupMs: startupResults,
      startupRatio: {
        watchdogStdioVsHelloWorld: startupResults.watchdogStdio.p50 / startupResults.helloWorld.p50,
        watchdogHttpAddedMs: startupResults.watchdogHttp.p50 - startupResults.childAlone.p50,
      },
      stdioMs: {
        direct: stdioDirect,
        viaWatchdog: stdioVia,
        overheadP50: stdioVia.p50 - stdioDirect.p50,
        overheadP99: stdioVia.p99 - stdioDirect.p99,
      },
      httpMs: {
        direct: httpDirect,
        viaWatchdog: httpVia,
        overheadP50: httpVia.p50 - httpDirect.p50,
        overheadP99: httpVia.p99 - httpDirect.p99,
      },
    };
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else printReport(report);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function printReport(r: {
  startupMs: Record<string, Stats>;
  startupRatio: { watchdogStdioVsHelloWorld: number; watchdogHttpAddedMs: number };
  stdioMs: { direct: Stats; viaWatchdog: Stats; overheadP50: number; overheadP99: number };
  httpMs: { direct: Stats; viaWatchdog: Stats; overheadP50: number; overheadP99: number };
}): void {
  const ms = (v: number) => `${v.toFixed(3)} ms`;
  const row = (name: string, s: Stats) =>
    `  ${name.padEnd(34)} p50 ${ms(s.p50).padStart(11)}  p90 ${ms(s.p90).padStart(11)}  p99 ${ms(s.p99).padStart(11)}  (n=${s.n})`;
  console.log(`watchdog benchmark — bun ${Bun.version}, ${navigator.hardwareConcurrency} CPUs\n`);
  console.log("start-up: spawn → first 200");
  console.log(row("compiled hello-world Bun server", r.startupMs.helloWorld!));
  console.log(row("watchdog, warm STDIO", r.startupMs.watchdogStdio!));
  console.log(row("watchdog --bytecode, warm STDIO", r.startupMs.watchdogStdioBytecode!));
  console.log(row("HTTP child alone (bun echo server)", r.startupMs.childAlone!));
  console.log(row("watchdog, warm HTTP (same child)", r.startupMs.watchdogHttp!));
  console.log(
    `  → STDIO watchdog / hello-world: ${r.startupRatio.watchdogStdioVsHelloWorld.toFixed(2)}×; HTTP watchdog adds ${ms(r.startupRatio.watchdogHttpAddedMs)} to its child\n`,
  );
  console.log("warm STDIO invocation (function: cat)");
  console.log(row("spawn cat directly", r.stdioMs.direct));
  console.log(row("POST /invoke via watchdog", r.stdioMs.viaWatchdog));
  console.log(`  → overhead p50 ${ms(r.stdioMs.overheadP50)}, p99 ${ms(r.stdioMs.overheadP99)}\n`);
  console.log("warm HTTP invocation (function: bun echo server)");
  console.log(row("POST /invoke to the child directly", r.httpMs.direct));
  console.log(row("POST /invoke via watchdog", r.httpMs.viaWatchdog));
  console.log(`  → overhead p50 ${ms(r.httpMs.overheadP50)}, p99 ${ms(r.httpMs.overheadP99)}`);
}

await main();
