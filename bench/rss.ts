/**
 * @module
 * Resident memory of the control plane under steady load (SPEC §3: flat ±10 % over 5 minutes).
 * A fresh nanofaas and the echo pod; wrk drives `:invoke` at a fixed number of connections while
 * RSS is sampled every second.
 *
 * Executions are retained after they end (reference §3.3: 5 minutes by default, swept every
 * minute), so RSS grows with the request rate until the first sweeps have run; that growth is
 * retention, not a leak. The soak therefore runs with `NANOFAAS_EXECUTION_STORE_TTL=30s` (records
 * live 30–90 s) and judges flatness on the window after the store has reached its steady size
 * (`steadyFromSeconds`, default 120 s). The janitor sweeps once a minute, so RSS is a sawtooth:
 * flatness is judged on the peak of each minute (`minutePeaksMiB`, `peakSpreadPercent`), which a
 * leak would make climb. The short sample in `just bench` (60 s, default retention) reports the
 * retention cost per execution instead.
 */
import { rssBytes } from "./lib/proc";
import { registerPoolFunction, type Running, startNanofaas, startPod } from "./lib/servers";
import { max, min, round } from "./lib/stats";
import { runWrk } from "./lib/wrk";

export interface RssResult {
  seconds: number;
  connections: number;
  env: Record<string, string>;
  requests: number;
  rps: number;
  /** RSS in MiB: before load, at the start of the judged window, at the end, and the window's min/max. */
  idleMiB: number;
  windowStartMiB: number;
  endMiB: number;
  windowMinMiB: number;
  windowMaxMiB: number;
  /** (end − window start) ÷ window start, in percent. */
  growthPercent: number;
  /** Highest RSS of each full minute from `steadyFromSeconds` on (one janitor cycle each). */
  minutePeaksMiB: number[];
  /** (max − min) ÷ min of `minutePeaksMiB`, in percent: the flatness figure (SPEC: ±10 %). */
  peakSpreadPercent: number;
  /** RSS growth over the whole run ÷ requests: what one retained execution costs (default retention). */
  bytesPerRequest: number;
  steadyFromSeconds: number;
  /** [seconds since load start, RSS MiB] every `sampleEvery` seconds. */
  series: [number, number][];
}

export interface RssOptions {
  seconds: number;
  connections?: number;
  env?: Record<string, string>;
  steadyFromSeconds?: number;
  log?: (line: string) => void;
}

export async function runRssBench(o: RssOptions): Promise<RssResult> {
  const connections = o.connections ?? 16;
  const steadyFrom = Math.min(o.steadyFromSeconds ?? 5, o.seconds - 1);
  const started: Running[] = [];
  try {
    const pod = await startPod();
    started.push(pod);
    const nf = await startNanofaas({ env: o.env });
    started.push(nf);
    await registerPoolFunction(nf.base, "bench-echo", `${pod.base}/invoke`, connections, 10_000);
    await runWrk({ url: `${nf.base}/v1/functions/bench-echo:invoke`, connections, seconds: 2 }); // JIT warm-up
    Bun.gc(true);
    const idle = rssBytes(nf.pid);
    const series: [number, number][] = [];
    const t0 = performance.now();
    const load = runWrk({ url: `${nf.base}/v1/functions/bench-echo:invoke`, connections, seconds: o.seconds });
    let done = false;
    void load.finally(() => {
      done = true;
    });
    let next = 1;
    while (!done) {
      await Bun.sleep(Math.max(0, t0 + next * 1000 - performance.now()));
      if (done) break;
      const rss = rssBytes(nf.pid);
      series.push([next, round(rss / 2 ** 20, 1)]);
      if (o.log && next % 30 === 0) o.log(`  rss t=${next}s ${round(rss / 2 ** 20, 1)} MiB`);
      next++;
    }
    const w = await load;
    const window = series.filter(([t]) => t >= steadyFrom).map(([, mib]) => mib);
    const first = window[0] ?? Number.NaN;
    const last = window[window.length - 1] ?? Number.NaN;
    const endBytes = (series[series.length - 1]?.[1] ?? Number.NaN) * 2 ** 20;
    const minutePeaksMiB: number[] = [];
    for (let from = steadyFrom; from + 60 <= o.seconds; from += 60) {
      minutePeaksMiB.push(max(series.filter(([t]) => t > from && t <= from + 60).map(([, mib]) => mib)));
    }
    return {
      seconds: o.seconds,
      connections,
      env: o.env ?? {},
      requests: w.requests,
      rps: round(w.rps, 0),
      idleMiB: round(idle / 2 ** 20, 1),
      windowStartMiB: first,
      endMiB: last,
      windowMinMiB: min(window),
      windowMaxMiB: max(window),
      growthPercent: round(((last - first) / first) * 100, 1),
      minutePeaksMiB,
      peakSpreadPercent: minutePeaksMiB.length
        ? round(((max(minutePeaksMiB) - min(minutePeaksMiB)) / min(minutePeaksMiB)) * 100, 1)
        : Number.NaN,
      bytesPerRequest: round((endBytes - idle) / Math.max(1, w.requests), 0),
      steadyFromSeconds: steadyFrom,
      series: series.filter(([t]) => t % 5 === 0),
    };
  } finally {
    for (const r of started.reverse()) await r.stop();
  }
}

if (import.meta.main) {
  const { mkdirSync, writeFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { ROOT } = await import("./lib/servers");
  const seconds = Number(process.argv[2] ?? 300);
  const started = new Date();
  const r = await runRssBench({
    seconds,
    env: { NANOFAAS_EXECUTION_STORE_TTL: "30s", NANOFAAS_EXECUTION_STORE_CLEANUP_TTL: "15s" },
    steadyFromSeconds: Math.min(120, Math.floor(seconds / 2)),
    log: console.log,
  });
  console.log(JSON.stringify({ ...r, series: undefined }, null, 2));
  console.log(`minute peaks ${r.minutePeaksMiB.join(" → ")} MiB, spread ${r.peakSpreadPercent} % (SPEC: ±10 %)`);
  const dir = join(ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${started.toISOString().slice(0, 16).replace(":", "")}-soak.json`);
  writeFileSync(file, `${JSON.stringify({ date: started.toISOString(), bun: Bun.version, ...r }, null, 2)}\n`);
  console.log(`wrote ${file}`);
}
