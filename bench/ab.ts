/**
 * A/B of a hot-path change: nanofaas from another source tree ("before", e.g. a copy of `src/`
 * taken before the change, or a `git worktree` of the previous commit) against this tree
 * ("after"), side by side with the minimal forwarder, interleaved, several rounds. Prints the
 * after ÷ before ratios (throughput, gateway CPU per request, p50 at one connection) that a
 * commit message quotes.
 *
 *   cp -r src /tmp/before/ && ln -s $PWD/node_modules /tmp/before/   # before editing
 *   bun bench/ab.ts --before /tmp/before [--rounds 8] [--seconds 2] [--connections 64]
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
    rounds: { type: "string", default: "8" },
    seconds: { type: "string", default: "2" },
    connections: { type: "string", default: "64" },
    "skip-latency": { type: "boolean", default: false },
  },
});
if (!values.before) throw new Error("--before <dir containing src/main.ts> is required");
const connections = Number(values.connections);
const started: Running[] = [];
try {
  const pod = await startPod();
  started.push(pod);
  const podUrl = `${pod.base}/invoke`;
  const fwd = await startForwarder(podUrl);
  started.push(fwd);
  const targets: HttpTarget[] = [{ id: "forwarder", url: `${fwd.base}/`, gatewayPid: fwd.pid }];
  for (const [id, main] of [["before", join(values.before, "src/main.ts")], ["after", join(ROOT, "src/main.ts")]] as const) {
    const nf = await startNanofaas({ name: id, cmd: [process.execPath, main] });
    started.push(nf);
    await registerPoolFunction(nf.base, "bench-echo", podUrl, connections, 10_000);
    targets.push({ id, url: `${nf.base}/v1/functions/bench-echo:invoke`, gatewayPid: nf.pid });
  }
  const common = { podPid: pod.pid, seconds: Number(values.seconds), rounds: Number(values.rounds), warmupSeconds: 1, log: console.log };
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
