/**
 * A/B of a hot-path change: nanofaas from another source tree ("before", e.g. a copy of `src/`
 * taken before the change, or a `git worktree` of the previous commit) against this tree
 * ("after"), side by side with the minimal forwarder, interleaved, several rounds. Prints the
 * after ÷ before ratios (throughput, gateway CPU per request, p50 at one connection) that a
 * commit message quotes.
 *
 *   cp -r src /tmp/before/ && ln -s $PWD/node_modules /tmp/before/   # before editing
 *   bun bench/ab.ts --before /tmp/before [--after /tmp/other] [--rounds 8] [--seconds 2] [--connections 64]
 *
 * On a shared 2-core machine an A/A run (the same tree on both sides) moves by ±10 % in
 * throughput over 6 rounds; use more rounds, and the in-process `bench/overhead.ts`, for smaller
 * effects.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type HttpTarget, runSideBySide, type Sample } from "./http";
import { type Running, registerPoolFunction, startForwarder, startNanofaas, startPod, ROOT } from "./lib/servers";
import { median, round } from "./lib/stats";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    before: { type: "string" },
    after: { type: "string", default: ROOT },
    rounds: { type: "string", default: "8" },
    seconds: { type: "string", default: "2" },
    connections: { type: "string", default: "64" },
    "skip-latency": { type: "boolean", default: false },
    "skip-http": { type: "boolean", default: false },
    "overhead-runs": { type: "string", default: "4" },
    "overhead-pod": { type: "string", default: "both" },
  },
});
if (!values.before) throw new Error("--before <dir containing src/main.ts> is required");
const connections = Number(values.connections);

/** In-process cost per invoke of each tree (fake and real pod), alternating separate processes. */
async function overheadAb(): Promise<void> {
  type R = {
    fake?: { nanofaasUs: { sequential: number; concurrent: number } };
    real?: { nanofaasCpuUs: number; ratio: number };
  };
  const podMode = values["overhead-pod"]!;
  const run = async (root: string) => {
    const p = Bun.spawn(
      [process.execPath, join(ROOT, "bench/overhead.ts"), "--root", root, "--json", "--rounds", "3", "--pod", podMode],
      {
        stdout: "pipe",
        stderr: "inherit",
        env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: "65535" },
      },
    );
    const out = await new Response(p.stdout).text();
    await p.exited;
    return JSON.parse(out) as R;
  };
  const seq: number[] = [];
  const conc: number[] = [];
  const real: number[] = [];
  for (let i = 0; i < Number(values["overhead-runs"]); i++) {
    let b: R;
    let a: R;
    if (i % 2 === 0) {
      b = await run(values.before!);
      a = await run(values.after!);
    } else {
      a = await run(values.after!);
      b = await run(values.before!);
    }
    if (a.fake && b.fake) {
      seq.push(a.fake.nanofaasUs.sequential / b.fake.nanofaasUs.sequential);
      conc.push(a.fake.nanofaasUs.concurrent / b.fake.nanofaasUs.concurrent);
    }
    if (a.real && b.real) real.push(a.real.ratio / b.real.ratio);
    const show = (r: R) =>
      (r.fake ? `fake ${r.fake.nanofaasUs.sequential}/${r.fake.nanofaasUs.concurrent} µs` : "") +
      (r.real ? ` real ${r.real.nanofaasCpuUs} µs CPU (${r.real.ratio}× fwd)` : "");
    console.log(`  before: ${show(b)}   after: ${show(a)}`);
  }
  console.log(
    `in-process after/before: fake pod sequential ${round(median(seq), 3)}, 64 in flight ${round(median(conc), 3)}; real pod CPU÷forwarder ${round(median(real), 3)}`,
  );
}

await overheadAb();
if (values["skip-http"]) process.exit(0);
const started: Running[] = [];
try {
  const pod = await startPod();
  started.push(pod);
  const podUrl = `${pod.base}/invoke`;
  const fwd = await startForwarder(podUrl);
  started.push(fwd);
  const targets: HttpTarget[] = [{ id: "forwarder", url: `${fwd.base}/`, gatewayPid: fwd.pid }];
  for (const [id, main] of [
    ["before", join(values.before, "src/main.ts")],
    ["after", join(values.after!, "src/main.ts")],
  ] as const) {
    const nf = await startNanofaas({ name: id, cmd: [process.execPath, main] });
    started.push(nf);
    await registerPoolFunction(nf.base, "bench-echo", podUrl, connections, 10_000);
    targets.push({ id, url: `${nf.base}/v1/functions/bench-echo:invoke`, gatewayPid: nf.pid });
  }
  const common = {
    podPid: pod.pid,
    seconds: Number(values.seconds),
    rounds: Number(values.rounds),
    warmupSeconds: 1,
    log: console.log,
  };
  const report = (label: string, samples: Sample[], key: "rps" | "gatewayCpuUs" | "p50Us" | "p99Us") => {
    const per = (id: string) => samples.filter((s) => s.id === id);
    const ratios = per("after").map((a, i) => a[key] / per("before")[i]![key]);
    const vsFwd = (id: string) => median(per(id).map((s, i) => s[key] / per("forwarder")[i]![key]));
    console.log(
      `${label.padEnd(22)} after/before ${round(median(ratios), 3)} (rounds: ${ratios.map((r) => r.toFixed(2)).join(" ")})` +
        `  ÷forwarder: before ${round(vsFwd("before"), 3)} after ${round(vsFwd("after"), 3)}`,
    );
  };
  const throughput = await runSideBySide({ ...common, targets, connections });
  const latency = values["skip-latency"] ? [] : await runSideBySide({ ...common, targets, connections: 1 });
  report(`rps c=${connections}`, throughput, "rps");
  report(`gw cpu µs/req c=${connections}`, throughput, "gatewayCpuUs");
  if (latency.length) {
    report("p50 c=1", latency, "p50Us");
    report("p99 c=1", latency, "p99Us");
    report("gw cpu µs/req c=1", latency, "gatewayCpuUs");
  }
} finally {
  for (const r of started.reverse()) await r.stop();
}
