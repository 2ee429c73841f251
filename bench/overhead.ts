/**
 * @module
 * What nanofaas adds per invoke, in-process, without the HTTP server and the load generator. The
 * real control plane (`createControlPlane`, the composition of `src/main.ts`) handles `POST
 * /v1/functions/{name}:invoke` Requests next to an in-process "forwarder" (read the body, fetch
 * the pod, answer its body) that pays the same Request/Response construction:
 *
 * - `fake` pod: `fetch` is replaced by one that answers at once. What remains is nanofaas's own
 *   JS — parsing, admission, record, queue, scheduler, waiter, dispatcher, output, answer — timed
 *   sequentially and 64 at a time; small and steady, but it misses how that work behaves next to
 *   real I/O (caches, GC of what lives across the pod round trip).
 * - `real` pod: the echo pod runs as its own process and both sides use Bun's real `fetch`, 64
 *   calls in flight; the figure is this process's CPU (user + sys) per call, the closest in-process
 *   analogue of the HTTP run's "gateway CPU per request" without wrk and the server socket.
 *
 *   bun bench/overhead.ts [--pod fake|real|both] [--calls 100000] [--rounds 5] [--root DIR] [--json]
 *
 * `--root` measures the control plane of another tree (a copy taken before a change): `bench/ab.ts`
 * runs both trees this way, alternately, in separate processes.
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startPod } from "./lib/servers";
import { median, round } from "./lib/stats";
import { BODY } from "./lib/wrk";

export interface OverheadResult {
  /** Fake pod: µs of wall time per call (single thread, so ≈ CPU), median round. */
  fake?: {
    forwarderUs: { sequential: number; concurrent: number };
    nanofaasUs: { sequential: number; concurrent: number };
    addedUs: { sequential: number; concurrent: number };
  };
  /** Real pod: this process's CPU µs per call, `concurrency` in flight, median round. */
  real?: { forwarderCpuUs: number; nanofaasCpuUs: number; ratio: number };
  calls: number;
  concurrency: number;
}

const FAKE_POD_URL = "http://127.0.0.1:9/invoke";
const URL_INVOKE = "http://127.0.0.1:8080/v1/functions/bench-echo:invoke";
const REQUEST_HEADERS = { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(BODY)) };
const JSON_TYPE = { "Content-Type": "application/json" };

/** The pod's answer as Bun's fetch would hand it over: status 200, JSON, content-length. */
function fakePodFetch(_url: unknown, init?: { body?: unknown }): Promise<Response> {
  const body = typeof init?.body === "string" ? init.body : BODY;
  return Promise.resolve(
    new Response(body, {
      status: 200,
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
    }),
  );
}

type Handler = (request: Request) => Response | Promise<Response>;
type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<Response>;

const forwarderTo = (podUrl: string, doFetch: FetchLike): Handler =>
  async function forwarder(request) {
    const body = await request.text();
    const response = await doFetch(podUrl, { method: "POST", headers: JSON_TYPE, body });
    return new Response(await response.text(), { status: response.status, headers: JSON_TYPE });
  };

async function buildNanofaas(concurrency: number, root: string, podUrl: string, fake: boolean): Promise<Handler> {
  const { loadConfig } = (await import(join(root, "src/config/config.ts"))) as typeof import("../src/config/config");
  const { createControlPlane } = (await import(
    join(root, "src/control-plane.ts")
  )) as typeof import("../src/control-plane");
  const realFetch = globalThis.fetch;
  // The pool dispatcher binds the global fetch when it is created.
  if (fake) globalThis.fetch = fakePodFetch as typeof fetch;
  try {
    const config = loadConfig({ NANOFAAS_DEPLOYMENT_BACKEND: "none" });
    const cp = createControlPlane(config, { version: "bench" });
    const registered = await cp.app.request("/v1/functions", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        name: "bench-echo",
        image: "bench/echo",
        executionMode: "POOL",
        endpointUrl: podUrl,
        concurrency,
        queueSize: 100_000,
      }),
    });
    if (registered.status !== 201 && registered.status !== 200)
      throw new Error(`register: ${registered.status} ${await registered.text()}`);
    const handler: Handler = (request) => cp.fetch(request);
    const check = (await (await handler(newRequest())).json()) as { status?: string };
    if (check.status !== "success") throw new Error(`nanofaas answered ${JSON.stringify(check)}`);
    return handler;
  } finally {
    globalThis.fetch = realFetch;
  }
}

const newRequest = () => new Request(URL_INVOKE, { method: "POST", headers: REQUEST_HEADERS, body: BODY });

async function sequential(handler: Handler, calls: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    const response = await handler(newRequest());
    await response.text();
  }
  return ((performance.now() - start) * 1000) / calls;
}

/** `calls` calls, `width` in flight at all times; returns wall µs and CPU µs per call. */
async function windowed(handler: Handler, calls: number, width: number): Promise<{ wallUs: number; cpuUs: number }> {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let started = 0;
  await new Promise<void>((done) => {
    let live = 0;
    const next = (): void => {
      if (started >= calls) {
        if (live === 0) done();
        return;
      }
      started++;
      live++;
      Promise.resolve(handler(newRequest()))
        .then((r) => r.text())
        .then(() => {
          live--;
          next();
        });
    };
    for (let i = 0; i < width; i++) next();
  });
  const cpu = process.cpuUsage(cpu0);
  return { wallUs: ((performance.now() - start) * 1000) / calls, cpuUs: (cpu.user + cpu.system) / calls };
}

export interface OverheadOptions {
  calls?: number;
  concurrency?: number;
  rounds?: number;
  root?: string;
  pod?: "fake" | "real" | "both";
}

export async function runOverheadBench(o: OverheadOptions = {}): Promise<OverheadResult> {
  const calls = o.calls ?? 100_000;
  const width = o.concurrency ?? 64;
  const rounds = o.rounds ?? 5;
  const root = o.root ?? resolve(import.meta.dir, "..");
  const mode = o.pod ?? "fake";
  const result: OverheadResult = { calls, concurrency: width };
  if (mode !== "real") {
    const forwarder = forwarderTo(FAKE_POD_URL, fakePodFetch);
    const nanofaas = await buildNanofaas(width, root, FAKE_POD_URL, true);
    await sequential(forwarder, Math.min(calls, 20_000)); // warm-up: both sides through the JIT tiers
    await sequential(nanofaas, Math.min(calls, 20_000));
    const s = { fs: [] as number[], ns: [] as number[], fc: [] as number[], nc: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      s.fs.push(await sequential(forwarder, calls));
      s.ns.push(await sequential(nanofaas, calls));
      s.fc.push((await windowed(forwarder, calls, width)).wallUs);
      s.nc.push((await windowed(nanofaas, calls, width)).wallUs);
    }
    const f = { sequential: round(median(s.fs)), concurrent: round(median(s.fc)) };
    const n = { sequential: round(median(s.ns)), concurrent: round(median(s.nc)) };
    result.fake = {
      forwarderUs: f,
      nanofaasUs: n,
      addedUs: { sequential: round(n.sequential - f.sequential), concurrent: round(n.concurrent - f.concurrent) },
    };
  }
  if (mode !== "fake") {
    const pod = await startPod();
    try {
      const podUrl = `${pod.base}/invoke`;
      const forwarder = forwarderTo(podUrl, fetch as FetchLike);
      const nanofaas = await buildNanofaas(width, root, podUrl, false);
      const realCalls = Math.max(1000, Math.floor(calls / 2));
      await windowed(forwarder, Math.min(realCalls, 10_000), width);
      await windowed(nanofaas, Math.min(realCalls, 10_000), width);
      const fw: number[] = [];
      const nf: number[] = [];
      const ratios: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const a = (await windowed(forwarder, realCalls, width)).cpuUs;
        const b = (await windowed(nanofaas, realCalls, width)).cpuUs;
        fw.push(a);
        nf.push(b);
        ratios.push(b / a);
      }
      result.real = {
        forwarderCpuUs: round(median(fw), 1),
        nanofaasCpuUs: round(median(nf), 1),
        ratio: round(median(ratios), 3),
      };
    } finally {
      await pod.stop();
    }
  }
  return result;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      calls: { type: "string", default: "100000" },
      concurrency: { type: "string", default: "64" },
      rounds: { type: "string", default: "5" },
      root: { type: "string" },
      pod: { type: "string", default: "both" },
      json: { type: "boolean", default: false },
    },
  });
  const r = await runOverheadBench({
    calls: Number(values.calls),
    concurrency: Number(values.concurrency),
    rounds: Number(values.rounds),
    root: values.root && resolve(values.root),
    pod: values.pod as OverheadOptions["pod"],
  });
  if (values.json) console.log(JSON.stringify(r));
  else {
    if (r.fake) {
      console.log(`fake pod, wall µs per call: sequential / ${r.concurrency} in flight`);
      console.log(`  forwarder ${r.fake.forwarderUs.sequential} / ${r.fake.forwarderUs.concurrent}`);
      console.log(`  nanofaas  ${r.fake.nanofaasUs.sequential} / ${r.fake.nanofaasUs.concurrent}`);
      console.log(`  added     ${r.fake.addedUs.sequential} / ${r.fake.addedUs.concurrent}`);
    }
    if (r.real) {
      console.log(
        `real pod, CPU µs per call, ${r.concurrency} in flight: forwarder ${r.real.forwarderCpuUs}, nanofaas ${r.real.nanofaasCpuUs}, ratio ${r.real.ratio}`,
      );
    }
  }
  process.exit(0);
}
