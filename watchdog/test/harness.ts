/**
 * Test harness: compiles the watchdog once per test process (the binary is what ships, so that is
 * what the tests run), starts it against fixture programs on ephemeral ports, and makes sure nothing
 * it started outlives the test.
 */
import { afterAll, beforeAll, expect } from "bun:test";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { descendantsOf, expectGone, isGone } from "./procs.ts";

export * from "./procs.ts";
export * from "./servers.ts";

export const ROOT = resolve(import.meta.dir, "../..");
export const FIXTURES = resolve(import.meta.dir, "fixtures");
export const HANDLER_PY = join(FIXTURES, "handler.py");
export const COPY_SH = join(FIXTURES, "copy.sh");
export const HTTP_SERVER = `${process.execPath} ${join(FIXTURES, "http_server.ts")}`;

/**
 * The real interpreter behind `python3`: a pyenv shim costs ~250 ms per start, which would make
 * every STDIO invocation in these tests that slow.
 */
export const PYTHON = (() => {
  const found = Bun.spawnSync(["python3", "-c", "import sys; print(sys.executable)"], { stdout: "pipe" });
  return found.stdout.toString().trim() || "python3";
})();
export const PY_HANDLER = `${PYTHON} ${HANDLER_PY}`;

let binary: Promise<string> | undefined;
const scratch: string[] = [];
const running = new Set<Bun.Subprocess>();

const BUILD_FLAGS = ["--compile", "--minify"];
const CACHE_PREFIX = "nanofaas-watchdog-test-";
// Other versions' binaries older than this are removed; a test run takes well under a minute.
const STALE_CACHE_MS = 30 * 60_000;

/**
 * `bun build --compile --minify` (as `just build-watchdog`), once for every test file of this
 * process. `bun test` fires no exit hook to delete a ~110 MB binary afterwards, so instead of a new
 * temp dir per run (which piled up) the binary lives in one temp dir per version of its sources
 * (hash of the watchdog, contracts and lib sources, the flags and Bun's version), built atomically
 * and reused; other versions' dirs are pruned once stale.
 */
export function watchdogBinary(): Promise<string> {
  binary ??= (async () => {
    const version = await sourceHash();
    const dir = join(tmpdir(), `${CACHE_PREFIX}${version}`);
    const out = join(dir, "watchdog");
    if (!existsSync(out)) {
      mkdirSync(dir, { recursive: true });
      const partial = `${out}.${process.pid}.partial`;
      const build = Bun.spawn(
        [process.execPath, "build", ...BUILD_FLAGS, join(ROOT, "watchdog/src/main.ts"), "--outfile", partial],
        {
          cwd: ROOT,
          stdout: "pipe",
          stderr: "pipe",
        },
      );
      if ((await build.exited) !== 0) throw new Error(`build failed: ${await new Response(build.stderr).text()}`);
      renameSync(partial, out);
    }
    pruneStaleBinaries(version);
    return out;
  })();
  return binary;
}

async function sourceHash(): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  hasher.update(`${Bun.version} ${BUILD_FLAGS.join(" ")}`);
  for (const pattern of ["watchdog/src/**/*.ts", "src/contracts/**/*.ts", "src/lib/**/*.ts"]) {
    const files = [...new Bun.Glob(pattern).scanSync({ cwd: ROOT })].sort();
    for (const file of files) hasher.update(`${file}\0${await Bun.file(join(ROOT, file)).text()}\0`);
  }
  return hasher.digest("hex").slice(0, 16);
}

function pruneStaleBinaries(current: string): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(CACHE_PREFIX) || name === `${CACHE_PREFIX}${current}`) continue;
    const path = join(tmpdir(), name);
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_CACHE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Pruned by a concurrent run.
    }
  }
}

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "watchdog-test-"));
  scratch.push(dir);
  return dir;
}

/** A clean environment: nothing from the developer's shell leaks into the watchdog under test. */
function baseEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env };
}

export interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

export interface Watchdog {
  pid: number;
  url: string;
  proc: Bun.Subprocess;
  logs: LogLine[];
  /** Resolves to the exit code. */
  exited: Promise<number>;
  invoke(input: unknown, headers?: Record<string, string>): Promise<Response>;
  waitFor(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  waitHealthy(timeoutMs?: number): Promise<void>;
  signal(signal: NodeJS.Signals): void;
}

/**
 * Starts a warm watchdog on an ephemeral port and waits until it listens. `wrap` runs it under
 * another command (e.g. `unshare` to make it PID 1).
 */
export async function startWarm(env: Record<string, string>, wrap: string[] = []): Promise<Watchdog> {
  const proc = Bun.spawn([...wrap, await watchdogBinary()], {
    env: baseEnv({ WARM: "true", WARM_PORT: "0", LOG_LEVEL: "debug", ...env }),
    stdout: "ignore",
    stderr: "pipe",
  });
  running.add(proc);
  const logs: LogLine[] = [];
  const listeners = new Set<() => void>();
  void readLines(proc.stderr as ReadableStream<Uint8Array>, (line) => {
    try {
      logs.push(JSON.parse(line) as LogLine);
    } catch {
      logs.push({ level: "child", msg: line });
    }
    for (const l of listeners) l();
  });
  const exited = proc.exited.then((code) => {
    running.delete(proc);
    for (const l of listeners) l();
    return code;
  });
  const waitFor = (predicate: (line: LogLine) => boolean, timeoutMs = 5000) =>
    new Promise<LogLine>((resolvePromise, reject) => {
      const check = () => {
        const hit = logs.find(predicate);
        if (hit) return done(() => resolvePromise(hit));
        if (proc.exitCode !== null) done(() => reject(new Error(`watchdog exited: ${JSON.stringify(logs)}`)));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`no matching log line: ${JSON.stringify(logs)}`))),
        timeoutMs,
      );
      const done = (fn: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        fn();
      };
      listeners.add(check);
      check();
    });
  const listening = await waitFor((l) => l.msg === "listening");
  const url = `http://127.0.0.1:${listening.port}`;
  return {
    pid: proc.pid,
    url,
    proc,
    logs,
    exited,
    waitFor,
    invoke: (input, headers = {}) =>
      fetch(`${url}/invoke`, {
        method: "POST",
        body: JSON.stringify({ input }),
        headers: { "Content-Type": "application/json", ...headers },
      }),
    async waitHealthy(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const res = await fetch(`${url}/health`).catch(() => undefined);
        if (res?.status === 200) return;
        await Bun.sleep(20);
      }
      throw new Error(`not healthy: ${JSON.stringify(logs)}`);
    },
    signal: (signal) => proc.kill(signal),
  };
}

export interface OneShotResult {
  code: number;
  stdout: string;
  logs: string;
}

/** Runs the watchdog once (no WARM) to completion. */
export async function runOnce(env: Record<string, string>, timeoutMs = 8000): Promise<OneShotResult> {
  const proc = Bun.spawn([await watchdogBinary()], { env: baseEnv(env), stdout: "pipe", stderr: "pipe" });
  running.add(proc);
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  const [stdout, logs, code] = await Promise.all([
    new Response(proc.stdout as ReadableStream).text(),
    new Response(proc.stderr as ReadableStream).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  running.delete(proc);
  return { code, stdout, logs };
}

async function readLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = "";
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffered += decoder.decode(value, { stream: true });
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) onLine(line);
      newline = buffered.indexOf("\n");
    }
  }
}

/**
 * Stops a warm watchdog (SIGTERM, SIGKILL after 5 s) and asserts that it and every process it had
 * started (an HTTP child, running functions, their children) are gone.
 */
export async function stopWatchdog(w: Watchdog): Promise<number> {
  const descendants = descendantsOf(w.pid);
  w.signal("SIGTERM");
  const timer = setTimeout(() => w.proc.kill("SIGKILL"), 5000);
  const code = await w.exited;
  clearTimeout(timer);
  expect(isGone(w.pid)).toBe(true);
  await expectGone(descendants);
  return code;
}

/**
 * Call at the top of each test file. beforeAll: compile the binary (once per test process). afterAll:
 * stop whatever is still running (SIGTERM, then SIGKILL after 3 s, so a file's own afterAll that
 * stops its watchdog sees the same graceful exit whichever hook runs first), assert that nothing
 * it started survived, and remove temp dirs.
 */
export function setupWatchdogTests(): void {
  beforeAll(async () => {
    await watchdogBinary();
  });
  afterAll(async () => {
    const procs = [...running];
    const descendants = procs.flatMap((p) => descendantsOf(p.pid));
    for (const proc of procs) proc.kill("SIGTERM");
    const timer = setTimeout(() => {
      for (const proc of procs) proc.kill("SIGKILL");
    }, 3000);
    await Promise.all(procs.map((p) => p.exited));
    clearTimeout(timer);
    await expectGone(descendants);
    await Promise.all(scratch.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
}
