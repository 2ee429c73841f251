/**
 * `just bench`: the whole benchmark in one go, on one machine, side by side (issue 10, SPEC §3).
 *
 *   bun bench/run.ts [--rounds 6] [--seconds 3] [--connections 64] [--phases http,dispatch,...]
 *                    [--pin] [--quick] [--no-save] [--only nanofaas,enqueue]
 *
 * Phases (all by default):
 *   http      raw Bun echo pod (ceiling), minimal Bun keep-alive forwarder (floor of any Bun
 *             gateway), nginx keep-alive reverse proxy, nanofaas sync :invoke (POOL → the same
 *             pod), nanofaas with its access log on, and nanofaas :enqueue until every execution
 *             is terminal — at 1 connection (p50/p99) and at N connections (throughput, CPU/req),
 *             interleaved round by round; ratios are taken within rounds.
 *   features  the features table (issue 27): the plain control plane vs one control plane per
 *             feature (API key, JWT, SQLite store incl. :enqueue, tenancy + quotas, breaker +
 *             versioned routing), sync :invoke at N connections, interleaved; on ÷ plain against
 *             each feature's budget; features this build lacks are listed as "not built".
 *   dispatch  enqueue → dispatch start in-process (p50, timers on the path).
 *   overhead  JS cost of one invoke in-process vs an in-process forwarder (fake pod).
 *   ring      RingBuffer vs a plain array used as a queue.
 *   startup   compiled nanofaas vs compiled hello-world: exec → first 200.
 *   rss       RSS over a 60-s steady run (the 5-minute soak is `just bench-soak`).
 *
 * Prints a table and writes bench/results/<date>.json. Numbers on a shared machine move; the
 * ratios are what to compare. `--pin` runs the servers on CPU 0 and wrk on CPU 1 (taskset).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runRingBufferBench } from "./ring-buffer";
import { runDispatchLatencyBench } from "./dispatch-latency";
import { runFeatures } from "./features";
import { formatFeatureRows } from "./features-table";
import { runHttpSuite } from "./http-suite";
import { nginxBinary, ROOT } from "./lib/servers";
import { runOverheadBench } from "./overhead";
import { formatRatios, formatTargets, type Ratio, ratios, summarise } from "./report";
import { runRssBench } from "./rss";
import { runStartupBench } from "./startup";

const ALL_PHASES = ["http", "features", "dispatch", "overhead", "ring", "startup", "rss"] as const;
type Phase = (typeof ALL_PHASES)[number];

export interface RunOptions {
  rounds: number;
  seconds: number;
  connections: number;
  phases: readonly Phase[];
  pin: boolean;
  quick: boolean;
  save: boolean;
  /** HTTP targets to run (ids: pod, forwarder, nginx, nanofaas, nanofaas-log, enqueue); all when absent. */
  only?: string[];
  log?: (line: string) => void;
}

export interface SpecCheck {
  goal: string;
  value: number | string;
  target: string;
  pass: boolean | undefined;
}

async function versionOf(cmd: string[]): Promise<string> {
  try {
    const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
    const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
    await p.exited;
    return (
      (out + err)
        .split("\n")
        .find((l) => l.trim())
        ?.trim() ?? "?"
    );
  } catch {
    return "missing";
  }
}

export async function runBench(o: RunOptions): Promise<Record<string, unknown>> {
  const log = o.log ?? console.log;
  const dir = mkdtempSync(join(tmpdir(), "nanofaas-bench-"));
  const started = new Date();
  const result: Record<string, unknown> = {
    date: started.toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
      bun: Bun.version,
      wrk: await versionOf(["wrk", "-v"]),
      nginx: await versionOf([nginxBinary(), "-v"]).catch(() => "missing"),
      kernel: await versionOf(["uname", "-r"]),
    },
    options: {
      rounds: o.rounds,
      seconds: o.seconds,
      connections: o.connections,
      pinned: o.pin,
      quick: o.quick,
      phases: o.phases,
    },
  };
  const checks: SpecCheck[] = [];
  const has = (p: Phase) => o.phases.includes(p);
  // What the HTTP and features phases share: servers on CPU 0 and wrk on CPU 1 when pinned.
  const suite = {
    dir,
    seconds: o.seconds,
    rounds: o.rounds,
    warmupSeconds: o.quick ? 0 : 2,
    connections: o.connections,
    serverCpus: o.pin ? "0" : undefined,
    loadgenCpus: o.pin ? "1" : undefined,
    log,
  };
  try {
    if (has("http")) {
      log(
        `== HTTP side by side: pod, forwarder, nginx, nanofaas (${o.rounds} rounds × ${o.seconds} s, c=1 and c=${o.connections})`,
      );
      const http = await runHttpSuite({ ...suite, accessLogVariant: !o.quick, only: o.only });
      const rs = ratios(http.latency, http.throughput);
      result.http = {
        targets: { latency: summarise(http.latency), throughput: summarise(http.throughput) },
        ratios: rs,
        samples: http,
      };
      log("");
      log(formatTargets(summarise(http.latency), summarise(http.throughput), o.connections));
      log("");
      log(formatRatios(rs));
      for (const r of rs.filter((x: Ratio) => x.target))
        checks.push({ goal: r.name, value: r.value, target: r.target!, pass: r.pass });
    }
    if (has("features")) {
      log("");
      log(`== features: each on vs the plain configuration (${o.rounds} rounds × ${o.seconds} s, c=${o.connections})`);
      const features = await runFeatures(suite);
      result.features = features;
      log("");
      log(formatFeatureRows(features.rows, o.connections));
      for (const r of features.rows)
        if (r.pass !== undefined)
          checks.push({
            goal: `${r.feature}, ${r.measure}`,
            value: r.ratio!,
            target: `≥ ${r.budget}`,
            pass: r.pass,
          });
    }
    if (has("dispatch")) {
      log("== enqueue → dispatch (in-process)");
      const d = await runDispatchLatencyBench(o.quick ? 2000 : 50_000);
      result.dispatch = d;
      for (const [name, s] of Object.entries(d)) {
        log(
          `  ${name.padEnd(18)} p50 ${s.p50Us} µs  p90 ${s.p90Us} µs  p99 ${s.p99Us} µs  timers/call ${s.timersPerCall}`,
        );
      }
      checks.push({
        goal: "enqueue → dispatch p50 µs",
        value: d.enqueueToDispatch.p50Us,
        target: "≤ 20",
        pass: d.enqueueToDispatch.p50Us <= 20,
      });
      checks.push({
        goal: "timers on the enqueue → dispatch path",
        value: d.enqueueToDispatch.timersPerCall,
        target: "0",
        pass: d.enqueueToDispatch.timersPerCall === 0,
      });
    }
    if (has("overhead")) {
      log("== cost per invoke in-process (no HTTP server): fake pod, and real pod over loopback");
      const ov = await runOverheadBench(
        o.quick ? { calls: 2000, rounds: 1, pod: "both" } : { calls: 100_000, rounds: 5, pod: "both" },
      );
      result.overhead = ov;
      const f = ov.fake!;
      log(
        `  fake pod: forwarder ${f.forwarderUs.sequential} µs (seq) / ${f.forwarderUs.concurrent} µs (×${ov.concurrency})   nanofaas ${f.nanofaasUs.sequential} / ${f.nanofaasUs.concurrent} µs   added ${f.addedUs.sequential} / ${f.addedUs.concurrent} µs`,
      );
      log(
        `  real pod: CPU per call forwarder ${ov.real!.forwarderCpuUs} µs, nanofaas ${ov.real!.nanofaasCpuUs} µs (${ov.real!.ratio}×)`,
      );
    }
    if (has("ring")) {
      log("== ring buffer vs array");
      const ring = await runRingBufferBench(
        o.quick
          ? { depths: [100], opsPerRound: 100_000, rounds: 3, allocOps: 100_000 }
          : { depths: [0, 100, 1000, 10_000] },
      );
      result.ring = ring;
      for (const r of ring)
        log(
          `  depth ${String(r.depth).padStart(6)}  ring ÷ array ${r.ratio.toFixed(2)}×  ring alloc ${r.ringAllocBytes} B / ${r.allocOps} ops`,
        );
      const deep = ring.filter((r) => r.depth >= 100);
      const worst = Math.min(...deep.map((r) => r.ratio));
      checks.push({
        goal: "ring ÷ array at depth ≥ 100 (worst)",
        value: Math.round(worst * 100) / 100,
        target: "≥ 3",
        pass: worst >= 3,
      });
    }
    if (has("startup")) {
      log("== compiled binary: exec → first 200");
      const st = await runStartupBench(dir, o.quick ? 3 : 15);
      result.startup = st;
      log(
        `  nanofaas p50 ${st.nanofaas.p50Ms} ms (min ${st.nanofaas.minMs}, RSS ${st.nanofaas.rssMiB} MiB)   hello p50 ${st.hello.p50Ms} ms (min ${st.hello.minMs}, RSS ${st.hello.rssMiB} MiB)   ratio ${st.ratio}`,
      );
      if (st.nanofaasBytecode)
        log(
          `  nanofaas --bytecode p50 ${st.nanofaasBytecode.p50Ms} ms (min ${st.nanofaasBytecode.minMs})   ratio ${st.bytecodeRatio}`,
        );
      checks.push({
        goal: "compiled start → first 200, nanofaas ÷ hello",
        value: st.ratio,
        target: "≤ 1.3",
        pass: st.ratio <= 1.3,
      });
    }
    if (has("rss")) {
      const seconds = o.quick ? 3 : 60;
      log(`== RSS over ${seconds} s of steady load (default retention; the 5-minute soak is just bench-soak)`);
      const rss = await runRssBench({ seconds, steadyFromSeconds: Math.min(10, seconds - 1), log });
      result.rss = rss;
      log(
        `  idle ${rss.idleMiB} MiB → ${rss.endMiB} MiB after ${rss.requests} invokes (${rss.rps} rps): ${rss.bytesPerRequest} B per retained execution`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  result.spec = checks;
  result.durationSeconds = Math.round((Date.now() - started.getTime()) / 1000);
  (result.machine as Record<string, unknown>).loadAverageAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);
  log("");
  log("== SPEC §3");
  for (const c of checks)
    log(`  ${c.pass ? "PASS" : "FAIL"}  ${c.goal.padEnd(50)} ${String(c.value).padStart(8)}  (target ${c.target})`);
  log(`done in ${result.durationSeconds} s`);
  if (o.save) {
    const out = join(ROOT, "bench/results");
    mkdirSync(out, { recursive: true });
    const file = join(out, `${started.toISOString().slice(0, 16).replace(":", "")}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${file}`);
  }
  return result;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      rounds: { type: "string" },
      seconds: { type: "string" },
      connections: { type: "string", default: "64" },
      phases: { type: "string", default: ALL_PHASES.join(",") },
      pin: { type: "boolean", default: false },
      quick: { type: "boolean", default: false },
      "no-save": { type: "boolean", default: false },
      only: { type: "string" },
    },
  });
  const phases = values.phases!.split(",").map((p) => p.trim()) as Phase[];
  for (const p of phases)
    if (!ALL_PHASES.includes(p)) throw new Error(`unknown phase '${p}' (known: ${ALL_PHASES.join(", ")})`);
  await runBench({
    rounds: Number(values.rounds ?? (values.quick ? 1 : 6)),
    seconds: Number(values.seconds ?? (values.quick ? 1 : 3)),
    connections: Number(values.connections),
    phases,
    pin: values.pin!,
    quick: values.quick!,
    save: !values["no-save"],
    only: values.only?.split(",").map((t) => t.trim()),
  });
}
