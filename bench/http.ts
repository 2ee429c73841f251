/**
 * @module
 * Side-by-side HTTP runs: every target is measured once per round, in an order that rotates from
 * round to round, so that all of them see the same machine (the same noisy neighbours) at nearly
 * the same time. Ratios are taken within a round, then the median over rounds is reported.
 */
import { cpuSeconds } from "./lib/proc";
import { round } from "./lib/stats";
import { runWrk } from "./lib/wrk";

export interface HttpTarget {
  id: string;
  url: string;
  /** Process whose CPU is the target's own (undefined for the bare pod: its CPU is the pod's). */
  gatewayPid?: number;
  /** `Authorization` header value sent with every request. */
  authorization?: string;
  /** Called right before each wrk run (snapshots for `settle`). */
  prepare?: () => Promise<void>;
  /** Called after wrk ends; waits until the target has finished the work (enqueue → terminal). */
  settle?: (accepted: number) => Promise<void>;
}

export interface Sample {
  round: number;
  id: string;
  connections: number;
  requests: number;
  statusErrors: number;
  socketErrors: number;
  rps: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  /** For targets with `settle`: accepted executions ÷ seconds from first request to last terminal. */
  settledRps?: number;
  settleSeconds?: number;
  /** CPU µs per request (per accepted execution when `settle` is set), per process. */
  gatewayCpuUs: number;
  podCpuUs: number;
  loadgenCpuUs: number;
}

export interface SideBySideOptions {
  targets: readonly HttpTarget[];
  podPid: number;
  connections: number;
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  loadgenCpus?: string;
  log?: (line: string) => void;
}

export async function runSideBySide(o: SideBySideOptions): Promise<Sample[]> {
  const log = o.log ?? (() => {});
  for (const t of o.targets) {
    if (o.warmupSeconds <= 0) break;
    await t.prepare?.();
    const w = await runWrk({
      url: t.url,
      connections: o.connections,
      seconds: o.warmupSeconds,
      authorization: t.authorization,
      cpus: o.loadgenCpus,
    });
    await t.settle?.(w.requests - w.statusErrors);
  }
  const samples: Sample[] = [];
  for (let r = 0; r < o.rounds; r++) {
    const order = o.targets.map((_, i) => o.targets[(i + r) % o.targets.length]!);
    for (const t of order) {
      await t.prepare?.();
      const podBefore = cpuSeconds(o.podPid);
      const gwBefore = t.gatewayPid ? cpuSeconds(t.gatewayPid) : 0;
      const started = performance.now();
      const w = await runWrk({
        url: t.url,
        connections: o.connections,
        seconds: o.seconds,
        authorization: t.authorization,
        cpus: o.loadgenCpus,
      });
      const accepted = w.requests - w.statusErrors;
      let settleSeconds: number | undefined;
      if (t.settle) {
        const waitStart = performance.now();
        await t.settle(accepted);
        settleSeconds = (performance.now() - waitStart) / 1000;
      }
      const elapsed = (performance.now() - started) / 1000;
      const work = t.settle ? accepted : w.requests;
      const perReq = (cpu: number) => round((cpu * 1e6) / Math.max(1, work), 1);
      const s: Sample = {
        round: r + 1,
        id: t.id,
        connections: o.connections,
        requests: w.requests,
        statusErrors: w.statusErrors,
        socketErrors: w.socketErrors,
        rps: round(w.rps, 0),
        p50Us: w.p50Us,
        p90Us: w.p90Us,
        p99Us: w.p99Us,
        settledRps: t.settle ? round(accepted / elapsed, 0) : undefined,
        settleSeconds: settleSeconds === undefined ? undefined : round(settleSeconds, 2),
        gatewayCpuUs: t.gatewayPid ? perReq(cpuSeconds(t.gatewayPid) - gwBefore) : 0,
        podCpuUs: perReq(cpuSeconds(o.podPid) - podBefore),
        loadgenCpuUs: perReq(w.loadgenCpuSeconds),
      };
      samples.push(s);
      log(
        `  c=${o.connections} round ${s.round} ${t.id.padEnd(16)} ${String(s.rps).padStart(7)} rps  p50 ${s.p50Us} µs  p99 ${s.p99Us} µs` +
          (s.settledRps !== undefined ? `  terminal ${s.settledRps}/s (+${s.settleSeconds}s)` : "") +
          `  cpu gw ${s.gatewayCpuUs} pod ${s.podCpuUs} wrk ${s.loadgenCpuUs} µs/req` +
          (s.statusErrors || s.socketErrors ? `  errors ${s.statusErrors}/${s.socketErrors}` : ""),
      );
    }
  }
  return samples;
}
