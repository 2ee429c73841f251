/**
 * @module
 * The JavaScript cost of one invoke, measured in-process and free of network noise: the real
 * control plane (`createControlPlane`, the same composition as `src/main.ts`) handles
 * `POST /v1/functions/{name}:invoke` requests whose pod call is answered by a fake `fetch`
 * (an already-built Response), next to an in-process "forwarder" (read body, fake fetch, answer)
 * that pays the same Request/Response construction. The difference is what nanofaas adds in JS
 * per invoke: parsing, admission, the record, the queue, the scheduler, the waiter, the
 * dispatcher's headers and timeout, output parsing and the answer. It runs sequentially (one
 * call in flight, like one connection) and in batches of `concurrency` calls.
 *
 * Native costs (Bun's server parsing and the real fetch client) are not here; the HTTP run
 * measures them. This one is stable to a few percent on a noisy machine, so it is the gate for
 * JS hot-path changes.
 *
 *   bun bench/overhead.ts [--calls 200000] [--concurrency 64] [--rounds 5]
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config/config";
import { createControlPlane } from "../src/control-plane";
import { median, round } from "./lib/stats";
import { BODY } from "./lib/wrk";

export interface OverheadResult {
  /** µs of wall time per call (single-threaded, so ≈ CPU) for each side, median round. */
  forwarderUs: { sequential: number; concurrent: number };
  nanofaasUs: { sequential: number; concurrent: number };
  /** nanofaas − forwarder, µs per call. */
  addedUs: { sequential: number; concurrent: number };
  calls: number;
  concurrency: number;
}

const POD_URL = "http://127.0.0.1:9/invoke";
const URL_INVOKE = "http://127.0.0.1:8080/v1/functions/bench-echo:invoke";
const REQUEST_HEADERS = { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(BODY)) };

/** The pod's answer as Bun's fetch would hand it over: status 200, JSON, content-length. */
function fakePodFetch(_url: unknown, init?: { body?: unknown }): Promise<Response> {
  const body = typeof init?.body === "string" ? init.body : BODY;
  return Promise.resolve(
    new Response(body, { status: 200, headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) } }),
  );
}

type Handler = (request: Request) => Response | Promise<Response>;

async function forwarder(request: Request): Promise<Response> {
  const body = await request.text();
  const response = await fakePodFetch(POD_URL, { body });
  return new Response(await response.text(), { status: response.status, headers: { "Content-Type": "application/json" } });
}

async function buildNanofaas(concurrency: number): Promise<Handler> {
  const realFetch = globalThis.fetch;
  // The pool dispatcher binds the global fetch when it is created.
  globalThis.fetch = fakePodFetch as typeof fetch;
  try {
    const config = loadConfig({ NANOFAAS_DEPLOYMENT_BACKEND: "none" });
    const cp = createControlPlane(config, { version: "bench" });
    const registered = await cp.app.request("/v1/functions", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "bench-echo", image: "bench/echo", executionMode: "POOL", endpointUrl: POD_URL, concurrency, queueSize: 100_000 }),
    });
    if (registered.status !== 201 && registered.status !== 200) throw new Error(`register: ${registered.status} ${await registered.text()}`);
    return (request) => cp.fetch(request);
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

async function concurrent(handler: Handler, calls: number, width: number): Promise<number> {
  const start = performance.now();
  const batch = new Array<Promise<string>>(width);
  for (let done = 0; done < calls; done += width) {
    for (let j = 0; j < width; j++) batch[j] = Promise.resolve(handler(newRequest())).then((r) => r.text());
    await Promise.all(batch);
  }
  return ((performance.now() - start) * 1000) / calls;
}

export async function runOverheadBench(o: { calls?: number; concurrency?: number; rounds?: number } = {}): Promise<OverheadResult> {
  const calls = o.calls ?? 100_000;
  const width = o.concurrency ?? 64;
  const rounds = o.rounds ?? 5;
  const nanofaas = await buildNanofaas(width);
  const check = await (await nanofaas(newRequest())).json();
  if ((check as { status?: string }).status !== "success") throw new Error(`nanofaas answered ${JSON.stringify(check)}`);
  // Warm-up: both sides through the JIT tiers.
  await sequential(forwarder, Math.min(calls, 20_000));
  await sequential(nanofaas, Math.min(calls, 20_000));
  const samples = { fs: [] as number[], ns: [] as number[], fc: [] as number[], nc: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    samples.fs.push(await sequential(forwarder, calls));
    samples.ns.push(await sequential(nanofaas, calls));
    samples.fc.push(await concurrent(forwarder, calls, width));
    samples.nc.push(await concurrent(nanofaas, calls, width));
    Bun.gc(true); // the execution store keeps every record: do not let one round pay another's GC
  }
  const f = { sequential: round(median(samples.fs)), concurrent: round(median(samples.fc)) };
  const n = { sequential: round(median(samples.ns)), concurrent: round(median(samples.nc)) };
  return {
    forwarderUs: f,
    nanofaasUs: n,
    addedUs: { sequential: round(n.sequential - f.sequential), concurrent: round(n.concurrent - f.concurrent) },
    calls,
    concurrency: width,
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { calls: { type: "string", default: "100000" }, concurrency: { type: "string", default: "64" }, rounds: { type: "string", default: "5" } },
  });
  const r = await runOverheadBench({ calls: Number(values.calls), concurrency: Number(values.concurrency), rounds: Number(values.rounds) });
  console.log(JSON.stringify(r, null, 2));
}
