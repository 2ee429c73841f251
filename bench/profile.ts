/**
 * CPU profile of the control plane under load, summarised: which functions burn the CPU (self
 * time), grouped by where they come from (ours, Bun's fetch/server natives, GC, idle…).
 *
 *   bun bench/profile.ts [--scenario invoke|enqueue] [--connections 64] [--seconds 10] [--top 30]
 *
 * Starts the echo pod and `bun --cpu-prof src/main.ts`, drives it with wrk, stops it with SIGINT
 * (the profile is written on exit) and prints the table. The raw .cpuprofile (Chrome format, open
 * it in Chrome DevTools or speedscope) is kept in the printed directory.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { podCount, terminalCount, waitTerminal } from "./lib/metrics";
import { registerPoolFunction, ROOT, startNanofaas, startPod } from "./lib/servers";
import { runWrk } from "./lib/wrk";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  name: string;
  where: string;
  selfPercent: number;
}

/** Self time per function (percent of all samples), largest first. */
export function summarise(profile: CpuProfile): ProfileLine[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(ROOT + "/", "")}:${lineNumber + 1}` : "";
    const key = `${functionName || "(anonymous)"}\u0000${where}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
  return [...self.entries()]
    .map(([key, t]) => {
      const [name, where] = key.split("\u0000");
      return { name: name!, where: where!, selfPercent: (t / total) * 100 };
    })
    .sort((a, b) => b.selfPercent - a.selfPercent);
}

/** Share of self time by origin: our source, node_modules, Bun internals/natives, idle. */
export function byOrigin(lines: readonly ProfileLine[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of lines) {
    const origin =
      l.name === "(idle)" || l.name === "(program)" || l.name === "(garbage collector)"
        ? l.name
        : l.where.startsWith("src/")
          ? "nanofaas src"
          : l.where.includes("node_modules/")
            ? "node_modules"
            : l.where === ""
              ? "native (no url)"
              : "bun builtins";
    out[origin] = (out[origin] ?? 0) + l.selfPercent;
  }
  return out;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      scenario: { type: "string", default: "invoke" },
      connections: { type: "string", default: "64" },
      seconds: { type: "string", default: "10" },
      top: { type: "string", default: "30" },
      "log-level": { type: "string", default: "warn" },
    },
  });
  const dir = mkdtempSync(join(tmpdir(), "nanofaas-prof-"));
  const connections = Number(values.connections);
  const pod = await startPod();
  const nf = await startNanofaas({
    cmd: [process.execPath, "--cpu-prof", "--cpu-prof-dir", dir, join(ROOT, "src/main.ts")],
    logLevel: values["log-level"],
  });
  try {
    await registerPoolFunction(nf.base, "bench-echo", `${pod.base}/invoke`, connections, 1_000_000);
    const verb = values.scenario === "enqueue" ? "enqueue" : "invoke";
    const url = `${nf.base}/v1/functions/bench-echo:${verb}`;
    await runWrk({ url, connections, seconds: 2 }); // warm-up (JIT), also in the profile
    const [terminal, served] = await Promise.all([terminalCount(nf.management, "bench-echo"), podCount(pod.base)]);
    const w = await runWrk({ url, connections, seconds: Number(values.seconds) });
    const accepted = w.requests - w.statusErrors;
    const t0 = performance.now();
    if (verb === "enqueue") {
      await waitTerminal({
        management: nf.management,
        fn: "bench-echo",
        target: terminal + accepted,
        podBase: pod.base,
        podTarget: served + accepted,
      });
      console.log(`drained ${accepted} in ${((performance.now() - t0) / 1000).toFixed(1)} s after wrk`);
    }
    console.log(`${values.scenario} c=${connections}: ${Math.round(w.rps)} rps, p50 ${w.p50Us} µs, p99 ${w.p99Us} µs`);
  } finally {
    process.kill(nf.pid, "SIGINT");
    await nf.stop();
    await pod.stop();
  }
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const lines = summarise(JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile);
  console.log(`profile: ${join(dir, file)}`);
  console.table(Object.entries(byOrigin(lines)).map(([origin, p]) => ({ origin, "self %": p.toFixed(1) })));
  console.table(
    lines
      .slice(0, Number(values.top))
      .map((l) => ({ "self %": l.selfPercent.toFixed(2), function: l.name, where: l.where })),
  );
}
