import { afterEach, describe, expect, test } from "bun:test";
import { type Behavior, defaultBehavior, type FakePod, startFakePod } from "./fake-pod";
import { until } from "../support/until";

const pods: FakePod[] = [];
afterEach(async () => {
  await Promise.all(pods.splice(0).map((pod) => pod.close()));
});

async function pod(options?: Parameters<typeof startFakePod>[0]): Promise<FakePod> {
  const started = await startFakePod(options);
  pods.push(started);
  return started;
}

let nextId = 0;
function invoke(
  target: FakePod,
  input: unknown,
  init: { id?: string; attempt?: number; signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(target.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-execution-id": init.id ?? `exec-${++nextId}`,
      "x-dispatch-attempt": String(init.attempt ?? 1),
      ...init.headers,
    },
    body: JSON.stringify({ input, metadata: { fn: "test" } }),
    signal: init.signal ?? AbortSignal.timeout(3000),
  });
}

/** Attaches a handler at once (no unhandled rejection) and yields the response or the error. */
function settle(request: Promise<Response>): Promise<Response | Error> {
  return request.catch((error: Error) => error);
}

/** Fails fast instead of running into the test timeout when `promise` does not settle. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

describe("fake pod: behaviors driven by the input", () => {
  test.each([
    ["plain input is echoed", { a: 1, b: [true, null] }],
    ["a string is echoed", "hello"],
    ["an object whose fake is echo is echoed whole", { fake: "echo", x: 2 }],
  ])("%s", async (_name, input) => {
    const response = await invoke(await pod(), input);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual(input);
  });

  test("sleep delays, then echoes", async () => {
    const started = performance.now();
    const response = await invoke(await pod(), { fake: "sleep", ms: 60 });
    expect(await response.json()).toEqual({ fake: "sleep", ms: 60 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  test("sleep can be followed by another behavior", async () => {
    const response = await invoke(await pod(), { fake: "sleep", ms: 1, next: { fake: "status", status: 504 } });
    expect(response.status).toBe(504);
  });

  test.each([
    [503, "down for maintenance", "text/plain; charset=utf-8", "down for maintenance"],
    [
      429,
      { error: { code: "SATURATED", message: "busy" } },
      "application/json",
      '{"error":{"code":"SATURATED","message":"busy"}}',
    ],
    [500, undefined, "application/json", '{"error":{"code":"HANDLER_ERROR","message":"fake 500"}}'],
    [400, undefined, "application/json", '{"error":{"code":"BAD_REQUEST","message":"fake 400"}}'],
    [202, undefined, "application/json", ""],
  ])("status %d answers with its body", async (status, body, contentType, text) => {
    const response = await invoke(await pod(), { fake: "status", status, body });
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe(contentType);
    expect(await response.text()).toBe(text);
  });

  test("status honours contentType and extra headers", async () => {
    const input = {
      fake: "status",
      status: 500,
      body: "{}",
      contentType: "application/json",
      headers: { "retry-after": "2" },
    };
    const response = await invoke(await pod(), input);
    expect([response.status, response.headers.get("content-type"), response.headers.get("retry-after")]).toEqual([
      500,
      "application/json",
      "2",
    ]);
  });

  test("garbage is a 200 JSON response whose body is not JSON", async () => {
    const response = await invoke(await pod(), { fake: "garbage" });
    expect([response.status, response.headers.get("content-type")]).toEqual([200, "application/json"]);
    const text = await response.text();
    expect(text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(text)).toThrow();
  });

  test("empty is a 200 with an empty body", async () => {
    const response = await invoke(await pod(), { fake: "empty" });
    expect([response.status, response.headers.get("content-length"), await response.text()]).toEqual([200, "0", ""]);
  });

  test("null is a 200 with the body null", async () => {
    const response = await invoke(await pod(), { fake: "null" });
    expect([response.status, await response.text()]).toEqual([200, "null"]);
  });

  test("text is a 200 text/plain body", async () => {
    const response = await invoke(await pod(), { fake: "text", text: "hi" });
    expect([response.status, response.headers.get("content-type"), await response.text()]).toEqual([
      200,
      "text/plain; charset=utf-8",
      "hi",
    ]);
  });

  test("close drops the connection without a response", async () => {
    const target = await pod();
    expect(await settle(invoke(target, { fake: "close" }))).toBeInstanceOf(Error);
    await until(() => target.calls.length === 1 && target.inFlight === 0, "the call to end", 2000);
    // The pod keeps serving new connections afterwards.
    expect((await invoke(target, 1)).status).toBe(200);
  });

  test("hang never answers; the caller's timeout fires and the pod sees the abandonment", async () => {
    const target = await pod();
    const outcome = settle(invoke(target, { fake: "hang" }, { signal: AbortSignal.timeout(100) }));
    await until(() => target.inFlight === 1, "one call in flight", 2000);
    expect(await outcome).toBeInstanceOf(Error);
    await until(() => target.inFlight === 0, "no call in flight", 2000);
    expect(target.maxInFlight).toBe(1);
  });

  test("close() ends hung requests and stops listening", async () => {
    const target = await startFakePod();
    const hung = [settle(invoke(target, { fake: "hang" })), settle(invoke(target, { fake: "hang" }))];
    await target.waitForCalls(2);
    expect(target.inFlight).toBe(2);
    await within(1000, target.close());
    for (const outcome of await Promise.all(hung)) expect(outcome).toBeInstanceOf(Error);
    expect(target.inFlight).toBe(0);
    expect(await settle(fetch(`${target.baseUrl}/health`))).toBeInstanceOf(Error);
    await target.close(); // idempotent
  });

  test("close() does not wait for a sleeping request", async () => {
    const target = await startFakePod();
    const sleeping = settle(invoke(target, { fake: "sleep", ms: 10_000 }));
    await target.waitForCalls(1);
    await within(1000, target.close());
    expect(await sleeping).toBeInstanceOf(Error);
  });

  test("cold answers 200 with the cold-start headers", async () => {
    const response = await invoke(await pod(), { fake: "cold", initMs: 250 });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-cold-start")).toBe("true");
    expect(response.headers.get("x-init-duration-ms")).toBe("250");
    expect(await response.json()).toEqual({ fake: "cold", initMs: 250 });
  });

  test.each([2, 1000, 7 * 1024 * 1024])("big answers a JSON string of exactly %d bytes", async (bytes) => {
    const response = await invoke(await pod(), { fake: "big", bytes });
    const body = await response.arrayBuffer();
    expect([response.status, response.headers.get("content-length"), body.byteLength]).toEqual([
      200,
      String(bytes),
      bytes,
    ]);
    expect(JSON.parse(new TextDecoder().decode(body))).toBe("x".repeat(bytes - 2));
  });

  test("flaky fails the first failTimes attempts of an execution, then echoes", async () => {
    const target = await pod();
    const input = { fake: "flaky", failTimes: 2 };
    const statuses: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      statuses.push((await invoke(target, input, { id: "e-flaky", attempt })).status);
    }
    // Another execution id has its own count.
    statuses.push((await invoke(target, input, { id: "e-other", attempt: 1 })).status);
    expect(statuses).toEqual([500, 500, 200, 200, 500]);
    expect(target.attemptsFor("e-flaky")).toEqual([1, 2, 3, 4]);
    const failure = await invoke(target, { ...input, status: 503 }, { id: "e-third" });
    expect([failure.status, (await failure.json()).error.code]).toEqual([503, "HANDLER_ERROR"]);
  });

  test.each([
    ["unknown behavior", { fake: "explode" }],
    ["missing ms", { fake: "sleep" }],
    ["negative ms", { fake: "sleep", ms: -1 }],
    ["bad nested behavior", { fake: "sleep", ms: 1, next: { fake: "nope" } }],
    ["status out of range", { fake: "status", status: 99 }],
    ["big below 2 bytes", { fake: "big", bytes: 1 }],
    ["text without text", { fake: "text" }],
  ])("a malformed instruction (%s) is a 400 that says why", async (_name, input) => {
    const response = await invoke(await pod(), input);
    const body = await response.json();
    expect([response.status, body.error.code]).toEqual([400, "BAD_REQUEST"]);
    expect(body.error.message).toStartWith("fake pod:");
  });
});

describe("fake pod: contract checks like a real pod", () => {
  test("a body that is not JSON is a 400 INVALID_JSON", async () => {
    const target = await pod();
    const response = await fetch(target.url, { method: "POST", headers: { "x-execution-id": "e1" }, body: "{nope" });
    expect([response.status, (await response.json()).error.code]).toEqual([400, "INVALID_JSON"]);
    expect(target.calls[0]!.rawBody).toBe("{nope");
    expect(target.calls[0]!.body).toBeUndefined();
  });

  test("a call without X-Execution-Id is a 400 EXECUTION_ID_REQUIRED", async () => {
    const target = await pod();
    const response = await fetch(target.url, { method: "POST", body: JSON.stringify({ input: 1 }) });
    expect([response.status, (await response.json()).error.code]).toEqual([400, "EXECUTION_ID_REQUIRED"]);
  });

  test.each([
    ["GET", "/invoke"],
    ["POST", "/other"],
  ])("%s %s is a recorded 404", async (method, path) => {
    const target = await pod();
    const response = await fetch(`${target.baseUrl}${path}`, { method, body: method === "POST" ? "{}" : undefined });
    expect([response.status, await response.json()]).toEqual([
      404,
      { error: { code: "NOT_FOUND", message: "Endpoint not found" } },
    ]);
    expect(target.calls.map((c) => [c.method, c.path])).toEqual([[method, path]]);
  });

  test("GET /health is 200 ok, 503 after setHealthy(false), and not recorded as a call", async () => {
    const target = await pod();
    const health = () => fetch(`${target.baseUrl}/health`).then(async (r) => [r.status, await r.json()]);
    expect(await health()).toEqual([200, { status: "ok" }]);
    target.setHealthy(false);
    expect(await health()).toEqual([503, { status: "unhealthy" }]);
    target.setHealthy(true);
    expect(await health()).toEqual([200, { status: "ok" }]);
    expect([target.calls.length, target.healthChecks]).toEqual([0, 3]);
  });

  test("GET /metrics answers Prometheus text", async () => {
    const target = await pod();
    await invoke(target, 1);
    const response = await fetch(`${target.baseUrl}/metrics`);
    expect(await response.text()).toContain("fake_pod_calls_total 1");
  });
});

describe("fake pod: recording", () => {
  test("each call records method, path, lower-cased headers, body, execution id and attempt", async () => {
    const target = await pod();
    const before = performance.now();
    await invoke(target, { q: 1 }, { id: "e-rec", attempt: 2, headers: { "X-Trace-Id": "t-1" } });
    const [call] = target.calls;
    expect(call).toMatchObject({
      method: "POST",
      path: "/invoke",
      body: { input: { q: 1 }, metadata: { fn: "test" } },
      input: { q: 1 },
      executionId: "e-rec",
      attempt: 2,
      nth: 1,
    });
    expect(call!.headers["x-trace-id"]).toBe("t-1");
    expect(call!.headers["x-execution-id"]).toBe("e-rec");
    expect(call!.receivedAt).toBeGreaterThanOrEqual(before);
    expect(call!.receivedAt).toBeLessThanOrEqual(performance.now());
  });

  test("a missing or malformed X-Dispatch-Attempt is recorded as undefined", async () => {
    const target = await pod();
    await invoke(target, 1, { id: "e-att", headers: { "x-dispatch-attempt": "x" } });
    expect(target.attemptsFor("e-att")).toEqual([undefined]);
  });

  test("attemptsFor and callsFor select one execution, in arrival order", async () => {
    const target = await pod();
    for (const [id, attempt] of [
      ["a", 1],
      ["b", 1],
      ["a", 2],
      ["a", 3],
    ] as const) {
      await invoke(target, 0, { id, attempt });
    }
    expect(target.attemptsFor("a")).toEqual([1, 2, 3]);
    expect(target.callsFor("b").map((c) => c.nth)).toEqual([1]);
    expect(target.callsFor("a").map((c) => c.nth)).toEqual([1, 2, 3]);
    expect(target.attemptsFor("zzz")).toEqual([]);
  });

  test("inFlight and maxInFlight track concurrent calls", async () => {
    const target = await pod();
    const all = Array.from({ length: 5 }, () => invoke(target, { fake: "sleep", ms: 80 }));
    await target.waitForCalls(5);
    expect(target.inFlight).toBe(5);
    await Promise.all(all);
    await until(() => target.inFlight === 0, "no call in flight", 2000);
    expect(target.maxInFlight).toBe(5);
  });

  test("waitForCalls resolves when enough calls arrived and rejects on timeout", async () => {
    const target = await pod();
    const waiting = target.waitForCalls(2, 1000);
    await invoke(target, 1);
    await invoke(target, 2);
    expect((await waiting).map((c) => c.input)).toEqual([1, 2]);
    await expect(target.waitForCalls(3, 30)).rejects.toThrow("2 of 3 calls");
  });

  test("reset forgets calls, counters and health, and restores the start behavior", async () => {
    const target = await pod({ behavior: () => ({ fake: "text", text: "start" }) });
    await invoke(target, { fake: "flaky", failTimes: 1 }, { id: "r" });
    target.setBehavior(defaultBehavior);
    target.setHealthy(false);
    expect((await invoke(target, { fake: "flaky", failTimes: 1 }, { id: "r" })).status).toBe(200);
    target.reset();
    expect([target.calls.length, target.maxInFlight, target.healthChecks]).toEqual([0, 0, 0]);
    expect((await fetch(`${target.baseUrl}/health`)).status).toBe(200);
    expect(await (await invoke(target, 1, { id: "r" })).text()).toBe("start");
    expect(target.calls[0]!.nth).toBe(1);
  });
});

describe("fake pod: programmatic behaviors", () => {
  test("a behavior function sees each call and decides", async () => {
    const target = await pod({
      behavior: (call): Behavior => (call.attempt === 1 ? { fake: "close" } : defaultBehavior(call)),
    });
    expect(await settle(invoke(target, "x", { id: "p", attempt: 1 }))).toBeInstanceOf(Error);
    expect(await (await invoke(target, "x", { id: "p", attempt: 2 })).json()).toBe("x");
    expect(target.attemptsFor("p")).toEqual([1, 2]);
  });

  test("setBehavior swaps the behavior; undefined restores the default", async () => {
    const target = await pod();
    target.setBehavior(async () => ({ fake: "status", status: 200, body: { custom: true } }));
    expect(await (await invoke(target, 1)).json()).toEqual({ custom: true });
    target.setBehavior(undefined);
    expect(await (await invoke(target, 1)).json()).toBe(1);
  });

  test("a behavior function that throws is a 500", async () => {
    const target = await pod({
      behavior: () => {
        throw new Error("oops");
      },
    });
    const response = await invoke(target, 1);
    expect([response.status, (await response.json()).error.code]).toEqual([500, "FAKE_POD_ERROR"]);
  });

  test("pods listen on distinct ephemeral loopback ports and support await using", async () => {
    let url: string;
    {
      await using a = await startFakePod();
      await using b = await startFakePod();
      expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/invoke$/);
      expect(a.baseUrl).not.toBe(b.baseUrl);
      url = a.baseUrl;
      expect((await fetch(`${url}/health`)).status).toBe(200);
    }
    expect(await settle(fetch(`${url}/health`))).toBeInstanceOf(Error);
  });
});
