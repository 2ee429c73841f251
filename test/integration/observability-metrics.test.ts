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

const series = (name: string, labels: Record<string, string> = {}) =>
  Object.keys(labels).length === 0
    ? name
    : `${name}{${Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(",")}}`;

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

describe("metrics after driven traffic", () => {
  test("every counter, histogram count and gauge has the exact value the traffic implies", async () => {
    for (let i = 0; i < 3; i++) expect((await (await invoke("ok-fn", { do: "ok" })).json()).status).toBe("success");
    const queued = await (await enqueue("ok-fn", { do: "ok" })).json();
    expect((await (await invoke("err-fn", { do: "fail" })).json()).status).toBe("error");
    expect((await (await invoke("retry-fn", { do: "flaky" })).json()).status).toBe("success");
    const slow = await invoke("slow-fn", { do: "sleep", ms: 300 }, { "X-Timeout-Ms": "50" });
    expect((await slow.json()).status).toBe("timeout");
    expect((await (await invoke("cold-fn", { do: "cold", initMs: 250 })).json()).status).toBe("success");

    // Rejections: one slot, lanes of one item each.
    expect((await enqueue("tiny-fn", { do: "sleep", ms: 150 })).status).toBe(202); // dispatched
    expect((await enqueue("tiny-fn", { do: "sleep", ms: 150 })).status).toBe(202); // async lane: 1
    const asyncFull = await enqueue("tiny-fn", { do: "ok" });
    expect([asyncFull.status, asyncFull.headers.get("x-queue-reject-reason")]).toEqual([429, "depth"]);
    const waiting = invoke("tiny-fn", { do: "sleep", ms: 150 }); // sync lane: 1
    await until(async () => (await value("function_sync_queue_depth", { function: "tiny-fn" })) === 1, "sync lane");
    const syncFull = await invoke("tiny-fn", { do: "ok" });
    expect([syncFull.status, syncFull.headers.get("x-queue-reject-reason")]).toEqual([429, "depth"]);
    const busy = await scrape();
    expect(busy.get(series("function_inFlight", { function: "tiny-fn" }))).toBe(1);
    expect(busy.get(series("function_queue_depth", { function: "tiny-fn" }))).toBe(1);
    expect(busy.get(series("sync_queue_depth", { function: "tiny-fn" }))).toBe(1);
    expect(total(busy, "sync_queue_depth")).toBe(1);
    expect(busy.get(series("function_effective_concurrency", { function: "tiny-fn" }))).toBe(1);

    // Rate limit of 1/s in a fixed epoch-second window: stay clear of the boundary.
    if (Date.now() % 1000 > 800) await Bun.sleep(1000 - (Date.now() % 1000) + 10);
    expect((await invoke("rate-fn", { do: "ok" })).status).toBe(200);
    const limited = await invoke("rate-fn", { do: "ok" });
    expect([limited.status, limited.headers.get("x-queue-reject-reason")]).toEqual([429, "rate"]);

    expect((await (await waiting).json()).status).toBe("success");
    await until(async () => (await value("function_success_total", { function: "tiny-fn" })) === 3, "tiny-fn drained");
    await until(
      async () =>
        (await (await fetch(`${served.url}/v1/executions/${queued.executionId}`)).json()).status === "success",
      "async",
    );
    await until(async () => (await value("function_inFlight", { function: "slow-fn" })) === 0, "slow-fn late result");

    const m = await scrape();
    const expected: Record<string, Record<string, number>> = {
      //                           ok  err retry slow tiny cold rate
      function_enqueue_total: {
        "ok-fn": 1,
        "err-fn": 0,
        "retry-fn": 1,
        "slow-fn": 0,
        "tiny-fn": 2,
        "cold-fn": 0,
        "rate-fn": 0,
      },
      sync_queue_admitted_total: {
        "ok-fn": 3,
        "err-fn": 1,
        "retry-fn": 1,
        "slow-fn": 1,
        "tiny-fn": 1,
        "cold-fn": 1,
        "rate-fn": 1,
      },
      function_dispatch_total: {
        "ok-fn": 4,
        "err-fn": 1,
        "retry-fn": 2,
        "slow-fn": 1,
        "tiny-fn": 3,
        "cold-fn": 1,
        "rate-fn": 1,
      },
      function_success_total: {
        "ok-fn": 4,
        "err-fn": 0,
        "retry-fn": 1,
        "slow-fn": 0,
        "tiny-fn": 3,
        "cold-fn": 1,
        "rate-fn": 1,
      },
      function_error_total: {
        "ok-fn": 0,
        "err-fn": 1,
        "retry-fn": 0,
        "slow-fn": 0,
        "tiny-fn": 0,
        "cold-fn": 0,
        "rate-fn": 0,
      },
      function_retry_total: {
        "ok-fn": 0,
        "err-fn": 0,
        "retry-fn": 1,
        "slow-fn": 0,
        "tiny-fn": 0,
        "cold-fn": 0,
        "rate-fn": 0,
      },
      function_timeout_total: {
        "ok-fn": 0,
        "err-fn": 0,
        "retry-fn": 0,
        "slow-fn": 1,
        "tiny-fn": 0,
        "cold-fn": 0,
        "rate-fn": 0,
      },
      function_queue_rejected_total: {
        "ok-fn": 0,
        "err-fn": 0,
        "retry-fn": 0,
        "slow-fn": 0,
        "tiny-fn": 1,
        "cold-fn": 0,
        "rate-fn": 0,
      },
      sync_queue_rejected_total: {
        "ok-fn": 0,
        "err-fn": 0,
        "retry-fn": 0,
        "slow-fn": 0,
        "tiny-fn": 1,
        "cold-fn": 0,
        "rate-fn": 0,
      },
      function_rate_limited_total: {
        "ok-fn": 0,
        "err-fn": 0,
        "retry-fn": 0,
        "slow-fn": 0,
        "tiny-fn": 0,
        "cold-fn": 0,
        "rate-fn": 1,
      },
      sync_queue_timedout_total: {
        "ok-fn": 0,
        "err-fn": 0,
        "retry-fn": 0,
        "slow-fn": 0,
        "tiny-fn": 0,
        "cold-fn": 0,
        "rate-fn": 0,
      },
      function_cold_start_total: {
        "ok-fn": 0,
        "err-fn": 0,
        "retry-fn": 0,
        "slow-fn": 0,
        "tiny-fn": 0,
        "cold-fn": 1,
        "rate-fn": 0,
      },
      function_warm_start_total: {
        "ok-fn": 4,
        "err-fn": 1,
        "retry-fn": 1,
        "slow-fn": 0,
        "tiny-fn": 3,
        "cold-fn": 0,
        "rate-fn": 1,
      },
      function_latency_ms_seconds_count: {
        "ok-fn": 4,
        "err-fn": 1,
        "retry-fn": 1,
        "slow-fn": 0,
        "tiny-fn": 3,
        "cold-fn": 1,
        "rate-fn": 1,
      },
      function_queue_wait_ms_seconds_count: {
        "ok-fn": 4,
        "err-fn": 1,
        "retry-fn": 1,
        "slow-fn": 0,
        "tiny-fn": 3,
        "cold-fn": 1,
        "rate-fn": 1,
      },
      function_e2e_latency_ms_seconds_count: {
        "ok-fn": 4,
        "err-fn": 1,
        "retry-fn": 1,
        "slow-fn": 0,
        "tiny-fn": 3,
        "cold-fn": 1,
        "rate-fn": 1,
      },
      function_init_duration_ms_seconds_count: {
        "ok-fn": 0,
        "err-fn": 0,
        "retry-fn": 0,
        "slow-fn": 0,
        "tiny-fn": 0,
        "cold-fn": 1,
        "rate-fn": 0,
      },
      function_inFlight: {
        "ok-fn": 0,
        "err-fn": 0,
        "retry-fn": 0,
        "slow-fn": 0,
        "tiny-fn": 0,
        "cold-fn": 0,
        "rate-fn": 0,
      },
      function_queue_depth: {
        "ok-fn": 0,
        "err-fn": 0,
        "retry-fn": 0,
        "slow-fn": 0,
        "tiny-fn": 0,
        "cold-fn": 0,
        "rate-fn": 0,
      },
      function_timeout_seconds: {
        "ok-fn": 30,
        "err-fn": 30,
        "retry-fn": 30,
        "slow-fn": 5,
        "tiny-fn": 30,
        "cold-fn": 30,
        "rate-fn": 30,
      },
      function_queue_capacity: {
        "ok-fn": 100,
        "err-fn": 100,
        "retry-fn": 100,
        "slow-fn": 100,
        "tiny-fn": 1,
        "cold-fn": 100,
        "rate-fn": 100,
      },
    };
    const actual: Record<string, Record<string, number | undefined>> = {};
    for (const [name, perFunction] of Object.entries(expected)) {
      actual[name] = {};
      for (const fn of Object.keys(perFunction)) actual[name][fn] = m.get(series(name, { function: fn }));
    }
    expect(actual).toEqual(expected);

    expect(m.get(series("function_init_duration_ms_seconds_sum", { function: "cold-fn" }))).toBe(0.25);
    expect(m.get(series("function_init_duration_ms_seconds_bucket", { function: "cold-fn", le: "0.1" }))).toBe(0);
    expect(m.get(series("function_init_duration_ms_seconds_bucket", { function: "cold-fn", le: "0.25" }))).toBe(1);
    expect(m.get(series("function_init_duration_ms_seconds_bucket", { function: "cold-fn", le: "+Inf" }))).toBe(1);
    // The tiny-fn sync call waited behind a 150 ms attempt: its queue wait is in seconds, not ms.
    const tinyWait = m.get(series("function_queue_wait_ms_seconds_sum", { function: "tiny-fn" }))!;
    expect(tinyWait).toBeGreaterThan(0.1);
    expect(tinyWait).toBeLessThan(2);
    // Sync-lane dispatches: ok 3, err 1, retry 2 (the retry goes back to its lane), slow 1, tiny 1, cold 1, rate 1.
    expect(total(m, "sync_queue_wait_seconds_count")).toBe(10);
    expect(m.get(series("sync_queue_wait_seconds_count", { function: "ok-fn" }))).toBeGreaterThan(0);
    expect(total(m, "sync_queue_depth")).toBe(0);
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
