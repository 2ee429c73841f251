/**
 * @module
 * Compiled-binary start-up (SPEC §3: first 200 ≤ 1.3× a compiled hello-world Bun server). Both
 * binaries are built here with the same `bun build --compile --minify`; then each is started
 * `starts` times, alternating, and timed from spawn to the first 200 (nanofaas: `GET
 * /v1/functions` on its API port; hello: `GET /`). RSS right after the first 200 is noted too.
 * A third binary, nanofaas built with `--bytecode --format=esm` (JSC bytecode embedded, so the
 * ~1500 bundled modules are not parsed at start), shows what the build flag alone would change.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { rssBytes } from "./lib/proc";
import { freePort, ROOT } from "./lib/servers";
import { median, min, percentile, round } from "./lib/stats";

export interface StartupSide {
  p50Ms: number;
  minMs: number;
  p90Ms: number;
  rssMiB: number;
  binaryMiB: number;
}

export interface StartupResult {
  starts: number;
  nanofaas: StartupSide;
  hello: StartupSide;
  /** nanofaas compiled with --bytecode --format=esm; undefined if that build failed. */
  nanofaasBytecode?: StartupSide;
  /** Median over pairs of nanofaas (bytecode) ÷ hello. */
  bytecodeRatio?: number;
  /** Median over pairs of nanofaas ÷ hello (each pair started back to back). */
  ratio: number;
  buildSeconds: number;
}

/** As scripts/build.ts: the control plane with its SQLite writer thread's entry point. */
const NANOFAAS_ENTRIES = ["src/main.ts", "src/store/sqlite/batch-worker.ts"].map((f) => join(ROOT, f));

async function compile(entry: string | string[], out: string, extra: string[] = []): Promise<boolean> {
  const build = Bun.spawn(
    [process.execPath, "build", "--compile", "--minify", ...extra, ...[entry].flat(), "--outfile", out],
    {
      cwd: ROOT,
      stdout: "ignore",
      stderr: "pipe",
    },
  );
  const err = await new Response(build.stderr).text();
  if ((await build.exited) === 0) return true;
  if (extra.length) return false; // an optional variant
  throw new Error(`cannot compile ${entry}: ${err}`);
}

async function timeToFirst200(
  cmd: string[],
  env: Record<string, string>,
  url: string,
): Promise<{ ms: number; rss: number }> {
  const start = performance.now();
  const proc = Bun.spawn(cmd, { env: { ...process.env, ...env }, stdout: "ignore", stderr: "inherit" });
  try {
    for (;;) {
      const res = await fetch(url).catch(() => undefined);
      if (res) await res.arrayBuffer();
      if (res?.status === 200) return { ms: performance.now() - start, rss: rssBytes(proc.pid) };
      if (proc.exitCode !== null) throw new Error(`${cmd[0]} exited with ${proc.exitCode} before answering`);
      if (performance.now() - start > 10_000) throw new Error(`${cmd[0]}: no 200 within 10 s`);
    }
  } finally {
    proc.kill("SIGKILL");
    await proc.exited;
  }
}

function side(samples: { ms: number; rss: number }[], binary: string): StartupSide {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    p50Ms: round(percentile(ms, 0.5), 1),
    minMs: round(min(ms), 1),
    p90Ms: round(percentile(ms, 0.9), 1),
    rssMiB: round(median(samples.map((s) => s.rss)) / 2 ** 20, 1),
    binaryMiB: round(statSync(binary).size / 2 ** 20, 1),
  };
}

export async function runStartupBench(dir: string, starts = 15): Promise<StartupResult> {
  const nanofaas = join(dir, "nanofaas");
  const bytecode = join(dir, "nanofaas-bytecode");
  const hello = join(dir, "hello");
  const t0 = performance.now();
  const [, , hasBytecode] = await Promise.all([
    compile(NANOFAAS_ENTRIES, nanofaas),
    compile(join(ROOT, "bench/servers/hello.ts"), hello),
    compile(NANOFAAS_ENTRIES, bytecode, ["--bytecode", "--format=esm"]),
  ]);
  const buildSeconds = round((performance.now() - t0) / 1000, 1);
  type Sample = { ms: number; rss: number };
  const runs: Record<"n" | "b" | "h", Sample[]> = { n: [], b: [], h: [] };
  const startNanofaas = (binary: string) => {
    const port = freePort();
    return timeToFirst200(
      [binary],
      {
        NANOFAAS_DEPLOYMENT_BACKEND: "none",
        NANOFAAS_BIND_HOST: "127.0.0.1",
        SERVER_PORT: String(port),
        MANAGEMENT_SERVER_PORT: String(freePort()),
        NANOFAAS_LOG_LEVEL: "warn",
      },
      `http://127.0.0.1:${port}/v1/functions`,
    );
  };
  const startHello = () => {
    const port = freePort();
    return timeToFirst200([hello], { PORT: String(port) }, `http://127.0.0.1:${port}/`);
  };
  const sides: ("n" | "b" | "h")[] = hasBytecode ? ["n", "b", "h"] : ["n", "h"];
  for (let i = -2; i < starts; i++) {
    // Two unrecorded starts first (page cache), then rotate which side goes first.
    const order = sides.map((_, k) => sides[(k + Math.max(0, i)) % sides.length]!);
    for (const which of order) {
      const sample = which === "h" ? await startHello() : await startNanofaas(which === "n" ? nanofaas : bytecode);
      if (i >= 0) runs[which].push(sample);
    }
  }
  const ratioTo = (xs: Sample[]) => round(median(xs.map((s, i) => s.ms / runs.h[i]!.ms)), 2);
  return {
    starts,
    nanofaas: side(runs.n, nanofaas),
    hello: side(runs.h, hello),
    ratio: ratioTo(runs.n),
    nanofaasBytecode: hasBytecode ? side(runs.b, bytecode) : undefined,
    bytecodeRatio: hasBytecode ? ratioTo(runs.b) : undefined,
    buildSeconds,
  };
}

if (import.meta.main) {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  console.log(
    JSON.stringify(
      await runStartupBench(mkdtempSync(join(tmpdir(), "nanofaas-start-")), Number(process.argv[2] ?? 15)),
      null,
      2,
    ),
  );
}
