/**
 * Metrics end to end: real control plane served over HTTP, POOL functions pointing at a small fake
 * pod, traffic of every kind (success, error, retry, caller timeout, queue and rate rejections,
 * cold start), then the exact values on /metrics and the removal of a deleted function's series.
 * `promtool check metrics` on the exposition runs in the tools tier (observability-promtool.tools.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { jsonRequest, type Served, serveControlPlane, testControlPlane } from "../support/control-plane";
import { until } from "../support/until";

type Instruction = { do?: string; ms?: number; initMs?: number };

/** A pod that does what `input` says: ok, fail, sleep, cold, flaky (fails attempt 1). */
function startFakePod() {
  return Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const { input } = (await request.json()) as { input: Instruction };
      if (input.do === "sleep") await Bun.sleep(input.ms ?? 100);
      if (input.do === "fail" || (input.do === "flaky" && request.headers.get("x-dispatch-attempt") === "1")) {
        return Response.json({ error: { code: "HANDLER_ERROR", message: "boom" } }, { status: 500 });
      }
      const headers: Record<string, string> =
        input.do === "cold" ? { "X-Cold-Start": "true", "X-Init-Duration-Ms": String(input.initMs) } : {};
      return Response.json({ ok: true }, { headers });
    },
  });
}

/** Parses a Prometheus text exposition into `name{k="v",…}` → value (labels in exposition order). */
function parseExposition(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const cut = line.lastIndexOf(" ");
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return out;
}

/** A series key; a per-function series also carries `version` (issue 22): every function here is at 1. */
const series = (name: string, labels: Record<string, string> = {}) => {
  // The exposition writes `function`, then `version`, then the rest (`le` of a histogram bucket).
  const all =
    labels.function !== undefined && labels.version === undefined
      ? { function: labels.function, version: "1", ...labels }
      : labels;
  return Object.keys(all).length === 0
    ? name
    : `${name}{${Object.entries(all)
        .map(([k, v]) => `${k}="${v}"`)
        .join(",")}}`;
};

/** Sum of every series of `name` (the per-function sync_queue_* series add up to the global value). */
const total = (m: Map<string, number>, name: string) =>
  [...m].filter(([key]) => key === name || key.startsWith(`${name}{`)).reduce((sum, [, v]) => sum + v, 0);

let served: Served;
let pod: ReturnType<typeof startFakePod>;
const invoke = (name: string, input: Instruction, headers: Record<string, string> = {}) =>
  fetch(`${served.url}/v1/functions/${name}:invoke`, jsonRequest("POST", { input }, headers));
const enqueue = (name: string, input: Instruction) =>
  fetch(`${served.url}/v1/functions/${name}:enqueue`, jsonRequest("POST", { input }));
const scrape = async () => parseExposition(await (await served.cp.management.request("/metrics")).text());
const value = async (name: string, labels: Record<string, string> = {}) => (await scrape()).get(series(name, labels));

async function register(name: string, spec: Record<string, unknown> = {}) {
  const res = await fetch(
    `${served.url}/v1/functions`,
    jsonRequest("POST", {
      name,
      executionMode: "POOL",
      endpointUrl: `http://127.0.0.1:${pod.port}/invoke`,
      maxRetries: 1,
      ...spec,
    }),
  );
  expect(res.status).toBe(201);
}

beforeAll(async () => {
  pod = startFakePod();
  served = serveControlPlane(testControlPlane());
  await register("ok-fn");
  await register("err-fn");
  await register("retry-fn", { maxRetries: 3, retryBackoff: { baseDelayMs: 0, maxDelayMs: 0, jitter: 0 } });
  await register("slow-fn", { timeoutMs: 5000 });
  await register("tiny-fn", { concurrency: 1, queueSize: 1 });
  await register("cold-fn");
  await register("rate-fn", { rateLimitPerSecond: 1 });
  await register("gone-fn");
});

afterAll(async () => {
  await served.stop();
  pod.stop(true);
});

/** The functions of the traffic, in the column order of the expectation tables below. */
const FUNCTIONS = ["ok-fn", "err-fn", "retry-fn", "slow-fn", "tiny-fn", "cold-fn", "rate-fn"] as const;

/** `{metric: [one value per FUNCTIONS column]}` against the scrape, as one comparison per table. */
function expectPerFunction(m: Map<string, number>, table: Record<string, number[]>): void {
  const row = (name: string) => FUNCTIONS.map((fn) => m.get(series(name, { function: fn })));
  const actual = Object.fromEntries(Object.keys(table).map((name) => [name, row(name)]));
  expect(actual).toEqual(table);
}

interface Traffic {
  /** Response statuses and reject reasons, so a test can check the traffic did what the counts assume. */
  outcomes: Record<string, unknown>;
  /** Scraped while tiny-fn's one slot was busy and both its lanes held one item. */
  busy: Map<string, number>;
  /** Scraped once every call had finished. */
  settled: Map<string, number>;
}

/** Drives every kind of traffic once: success, error, retry, caller timeout, rejections, cold start. */
async function driveTraffic(): Promise<Traffic> {
  const outcomes: Record<string, unknown> = {};
  const status = async (response: Promise<Response>) => ((await (await response).json()) as { status: string }).status;
  const ok: string[] = [];
  for (let i = 0; i < 3; i++) ok.push(await status(invoke("ok-fn", { do: "ok" })));
  outcomes.ok = ok;
  const queued = await (await enqueue("ok-fn", { do: "ok" })).json();
  outcomes.err = await status(invoke("err-fn", { do: "fail" }));
  outcomes.retry = await status(invoke("retry-fn", { do: "flaky" }));
  outcomes.slow = await status(invoke("slow-fn", { do: "sleep", ms: 300 }, { "X-Timeout-Ms": "50" }));
  outcomes.cold = await status(invoke("cold-fn", { do: "cold", initMs: 250 }));

  // Rejections: one slot, lanes of one item each.
  const reject = (r: Response) => [r.status, r.headers.get("x-queue-reject-reason")];
  outcomes.tinyDispatched = (await enqueue("tiny-fn", { do: "sleep", ms: 150 })).status;
  outcomes.tinyAsyncLane = (await enqueue("tiny-fn", { do: "sleep", ms: 150 })).status;
  outcomes.asyncFull = reject(await enqueue("tiny-fn", { do: "ok" }));
  const waiting = invoke("tiny-fn", { do: "sleep", ms: 150 }); // sync lane: 1
  await until(async () => (await value("function_sync_queue_depth", { function: "tiny-fn" })) === 1, "sync lane");
  outcomes.syncFull = reject(await invoke("tiny-fn", { do: "ok" }));
  const busy = await scrape();

  // Rate limit of 1/s in a fixed epoch-second window: stay clear of the boundary.
  if (Date.now() % 1000 > 800) await Bun.sleep(1000 - (Date.now() % 1000) + 10);
  outcomes.rateFirst = (await invoke("rate-fn", { do: "ok" })).status;
  outcomes.rateLimited = reject(await invoke("rate-fn", { do: "ok" }));

  outcomes.tinyWaiting = await status(waiting);
  await until(async () => (await value("function_success_total", { function: "tiny-fn" })) === 3, "tiny-fn drained");
  await until(
    async () => (await status(fetch(`${served.url}/v1/executions/${queued.executionId}`))) === "success",
    "async",
  );
  await until(async () => (await value("function_inFlight", { function: "slow-fn" })) === 0, "slow-fn late result");
  return { outcomes, busy, settled: await scrape() };
}

describe("metrics after driven traffic", () => {
  let traffic: Traffic;
  beforeAll(async () => {
    traffic = await driveTraffic();
  });

  test("the traffic did what the counts below assume", () => {
    expect(traffic.outcomes).toEqual({
      ok: ["success", "success", "success"],
      err: "error",
      retry: "success",
      slow: "timeout",
      cold: "success",
      tinyDispatched: 202,
      tinyAsyncLane: 202,
      asyncFull: [429, "depth"],
      syncFull: [429, "depth"],
      rateFirst: 200,
      rateLimited: [429, "rate"],
      tinyWaiting: "success",
    });
  });

  test("while a slot is busy, the in-flight and depth gauges show it", () => {
    const { busy } = traffic;
    expect(busy.get(series("function_inFlight", { function: "tiny-fn" }))).toBe(1);
    expect(busy.get(series("function_queue_depth", { function: "tiny-fn" }))).toBe(1);
    expect(busy.get(series("sync_queue_depth", { function: "tiny-fn" }))).toBe(1);
    expect(total(busy, "sync_queue_depth")).toBe(1);
    expect(busy.get(series("function_effective_concurrency", { function: "tiny-fn" }))).toBe(1);
  });

  test("admissions, dispatches and outcomes are counted per function", () => {
    expectPerFunction(traffic.settled, {
      // columns: ok err retry slow tiny cold rate
      function_enqueue_total: [1, 0, 1, 0, 2, 0, 0],
      sync_queue_admitted_total: [3, 1, 1, 1, 1, 1, 1],
      function_dispatch_total: [4, 1, 2, 1, 3, 1, 1],
      function_success_total: [4, 0, 1, 0, 3, 1, 1],
      function_error_total: [0, 1, 0, 0, 0, 0, 0],
      function_retry_total: [0, 0, 1, 0, 0, 0, 0],
      function_timeout_total: [0, 0, 0, 1, 0, 0, 0],
    });
  });

  test("rejections are counted by kind: queue full, rate limited, never a queue timeout here", () => {
    expectPerFunction(traffic.settled, {
      // columns: ok err retry slow tiny cold rate
      function_queue_rejected_total: [0, 0, 0, 0, 1, 0, 0],
      sync_queue_rejected_total: [0, 0, 0, 0, 1, 0, 0],
      function_rate_limited_total: [0, 0, 0, 0, 0, 0, 1],
      sync_queue_timedout_total: [0, 0, 0, 0, 0, 0, 0],
    });
  });

  test("cold and warm starts are counted, and the init duration is a histogram in seconds", () => {
    const m = traffic.settled;
    expectPerFunction(m, {
      // columns: ok err retry slow tiny cold rate
      function_cold_start_total: [0, 0, 0, 0, 0, 1, 0],
      function_warm_start_total: [4, 1, 1, 0, 3, 0, 1],
      function_init_duration_ms_seconds_count: [0, 0, 0, 0, 0, 1, 0],
    });
    expect(m.get(series("function_init_duration_ms_seconds_sum", { function: "cold-fn" }))).toBe(0.25);
    expect(m.get(series("function_init_duration_ms_seconds_bucket", { function: "cold-fn", le: "0.1" }))).toBe(0);
    expect(m.get(series("function_init_duration_ms_seconds_bucket", { function: "cold-fn", le: "0.25" }))).toBe(1);
    expect(m.get(series("function_init_duration_ms_seconds_bucket", { function: "cold-fn", le: "+Inf" }))).toBe(1);
  });

  test("latency, queue-wait and end-to-end histograms count every finished attempt, in seconds", () => {
    const m = traffic.settled;
    expectPerFunction(m, {
      // columns: ok err retry slow tiny cold rate
      function_latency_ms_seconds_count: [4, 1, 1, 0, 3, 1, 1],
      function_queue_wait_ms_seconds_count: [4, 1, 1, 0, 3, 1, 1],
      function_e2e_latency_ms_seconds_count: [4, 1, 1, 0, 3, 1, 1],
    });
    // The tiny-fn sync call waited behind a 150 ms attempt: its queue wait is in seconds, not ms.
    const tinyWait = m.get(series("function_queue_wait_ms_seconds_sum", { function: "tiny-fn" }))!;
    expect(tinyWait).toBeGreaterThan(0.1);
    expect(tinyWait).toBeLessThan(2);
  });

  test("the sync-queue wait series add up to the sync-lane dispatches; the depth is back to zero", () => {
    const m = traffic.settled;
    // Sync-lane dispatches: ok 3, err 1, retry 2 (the retry goes back to its lane), slow 1, tiny 1, cold 1, rate 1.
    expect(total(m, "sync_queue_wait_seconds_count")).toBe(10);
    expect(m.get(series("sync_queue_wait_seconds_count", { function: "ok-fn" }))).toBeGreaterThan(0);
    expect(total(m, "sync_queue_depth")).toBe(0);
  });

  test("once idle, the in-flight and depth gauges are zero; timeout and capacity come from the spec", () => {
    expectPerFunction(traffic.settled, {
      // columns: ok err retry slow tiny cold rate
      function_inFlight: [0, 0, 0, 0, 0, 0, 0],
      function_queue_depth: [0, 0, 0, 0, 0, 0, 0],
      function_timeout_seconds: [30, 30, 30, 5, 30, 30, 30],
      function_queue_capacity: [100, 100, 100, 100, 1, 100, 100],
    });
  });

  test("HTTP requests are counted by route pattern, never by raw path", async () => {
    const m = await scrape();
    const invokeOk = series("http_server_requests_seconds_count", {
      method: "POST",
      uri: "/v1/functions/{name}:invoke",
      status: "200",
      outcome: "SUCCESS",
    });
    const invoke429 = series("http_server_requests_seconds_count", {
      method: "POST",
      uri: "/v1/functions/{name}:invoke",
      status: "429",
      outcome: "CLIENT_ERROR",
    });
    expect(m.get(invokeOk)).toBe(9);
    expect(m.get(invoke429)).toBe(2);
    const uris = [...m.keys()]
      .filter((k) => k.startsWith("http_server_requests"))
      .map((k) => /uri="([^"]*)"/.exec(k)?.[1]);
    expect(uris.filter((u) => u?.includes("-fn"))).toEqual([]);
  });

  test("deleting a function removes all of its series; registering it again starts from zero", async () => {
    expect(await value("function_dispatch_total", { function: "gone-fn" })).toBe(0);
    expect((await invoke("gone-fn", { do: "ok" })).status).toBe(200);
    expect(await value("function_dispatch_total", { function: "gone-fn" })).toBe(1);
    expect((await fetch(`${served.url}/v1/functions/gone-fn`, { method: "DELETE" })).status).toBe(204);
    const text = await (await served.cp.management.request("/metrics")).text();
    expect(text).not.toContain('function="gone-fn"');
    await register("gone-fn");
    expect(await value("function_dispatch_total", { function: "gone-fn" })).toBe(0);
  });
});
