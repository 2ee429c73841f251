/**
 * @module
 * The HTTP part of `just bench`: starts the pod, the forwarder, nginx and nanofaas side by side,
 * then measures at 1 connection (latency) and at N connections (throughput, CPU per request),
 * including nanofaas `:enqueue` until every accepted execution is terminal.
 */
import { type HttpTarget, runSideBySide, type Sample } from "./http";
import { podCount, terminalCount, waitTerminal } from "./lib/metrics";
import { type Running, registerPoolFunction, startForwarder, startNanofaas, startNginx, startPod } from "./lib/servers";

export interface HttpSuiteOptions {
  dir: string;
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  connections: number;
  /** Also run a nanofaas with the default `info` log level (one access-log line per request). */
  accessLogVariant: boolean;
  /** Only these target ids (all when empty). */
  only?: readonly string[];
  serverCpus?: string;
  loadgenCpus?: string;
  log: (line: string) => void;
}

export interface HttpSuiteResult {
  latency: Sample[];
  throughput: Sample[];
}

export const SYNC_FN = "bench-echo";
export const ASYNC_FN = "bench-async";

/** `:enqueue` at full speed, each round measured until every accepted execution is terminal. */
export function enqueueTarget(id: string, nf: Running & { management: string }, podBase: string): HttpTarget {
  let terminal = 0;
  let served = 0;
  return {
    id,
    url: `${nf.base}/v1/functions/${ASYNC_FN}:enqueue`,
    gatewayPid: nf.pid,
    prepare: async () => {
      [terminal, served] = await Promise.all([terminalCount(nf.management, ASYNC_FN), podCount(podBase)]);
    },
    settle: async (accepted) => {
      await waitTerminal({
        management: nf.management,
        fn: ASYNC_FN,
        target: terminal + accepted,
        podBase,
        podTarget: served + accepted,
      });
    },
  };
}

export async function runHttpSuite(o: HttpSuiteOptions): Promise<HttpSuiteResult> {
  const started: Running[] = [];
  const start = async <T extends Running>(p: Promise<T>): Promise<T> => {
    const r = await p;
    started.push(r);
    return r;
  };
  try {
    const pod = await start(startPod(o.serverCpus));
    const podUrl = `${pod.base}/invoke`;
    const want = (id: string) => !o.only?.length || o.only.includes(id);
    const targets: HttpTarget[] = [{ id: "pod", url: podUrl }];
    if (want("forwarder")) {
      const fwd = await start(startForwarder(podUrl, o.serverCpus));
      targets.push({ id: "forwarder", url: `${fwd.base}/`, gatewayPid: fwd.pid });
    }
    if (want("nginx")) {
      const nginx = await start(startNginx(o.dir, pod.port, o.serverCpus));
      targets.push({ id: "nginx", url: `${nginx.base}/`, gatewayPid: nginx.pid });
    }
    const nf = await start(startNanofaas({ cpus: o.serverCpus }));
    // Concurrency = connections, so nanofaas never queues behind its own limit where the
    // forwarder and nginx would not; a deep async lane so a burst of :enqueue is never refused.
    await registerPoolFunction(nf.base, SYNC_FN, podUrl, o.connections, 10_000);
    await registerPoolFunction(nf.base, ASYNC_FN, podUrl, o.connections, 1_000_000);
    if (want("nanofaas"))
      targets.push({ id: "nanofaas", url: `${nf.base}/v1/functions/${SYNC_FN}:invoke`, gatewayPid: nf.pid });
    if (o.accessLogVariant && want("nanofaas-log")) {
      const nfLog = await start(startNanofaas({ name: "nanofaas-log", logLevel: "info", cpus: o.serverCpus }));
      await registerPoolFunction(nfLog.base, SYNC_FN, podUrl, o.connections, 10_000);
      targets.push({ id: "nanofaas-log", url: `${nfLog.base}/v1/functions/${SYNC_FN}:invoke`, gatewayPid: nfLog.pid });
    }
    const log = (line: string) => {
      o.log(line);
      for (const r of started) {
        const code = r.exitCode();
        if (code !== undefined) throw new Error(`${r.name} (pid ${r.pid}) exited mid-run with ${code}`);
      }
    };
    const common = {
      podPid: pod.pid,
      seconds: o.seconds,
      rounds: o.rounds,
      warmupSeconds: o.warmupSeconds,
      loadgenCpus: o.loadgenCpus,
      log,
    };
    o.log(`latency at 1 connection (${o.rounds} rounds × ${o.seconds} s per target, interleaved)`);
    const latency = await runSideBySide({ ...common, targets, connections: 1 });
    const throughputTargets = [...targets];
    if (want("enqueue")) throughputTargets.push(enqueueTarget("enqueue", nf, pod.base));
    o.log(`throughput at ${o.connections} connections`);
    const throughput = await runSideBySide({ ...common, targets: throughputTargets, connections: o.connections });
    return { latency, throughput };
  } finally {
    for (const r of started.reverse()) await r.stop();
  }
}
