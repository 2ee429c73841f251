/**
 * Warm STDIO mode against the compiled binary and a real Python function: the pod contract
 * (success, identity, cold start, every failure shape), health and metrics.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import {
  expectGone,
  metricValue,
  PY_HANDLER,
  readPids,
  startWarm,
  stopWatchdog,
  tempDir,
  type Watchdog,
  setupWatchdogTests,
} from "./harness.ts";

setupWatchdogTests();

let w: Watchdog;
let dir: string;

beforeAll(async () => {
  dir = await tempDir();
  w = await startWarm({
    EXECUTION_MODE: "STDIO",
    WATCHDOG_CMD: PY_HANDLER,
    FUNCTION_NAME: "echo",
    MAX_OUTPUT_BYTES: "10000",
    TRACE_ID: "env-trace",
  });
  await w.waitHealthy();
});

afterAll(async () => {
  expect(await stopWatchdog(w)).toBe(0);
});

describe("warm STDIO", () => {
  // Runs first: the first successful response of the process is the cold one, and a failure
  // before it does not use the flag up.
  test("cold-start headers ride on the first successful response only", async () => {
    const failed = await w.invoke({ scenario: "exit", code: 2 });
    expect(failed.status).toBe(500);
    expect(failed.headers.get("X-Cold-Start")).toBeNull();
    const first = await w.invoke({ scenario: "echo" });
    expect(first.status).toBe(200);
    expect(first.headers.get("X-Cold-Start")).toBe("true");
    expect(Number(first.headers.get("X-Init-Duration-Ms"))).toBeGreaterThanOrEqual(0);
    const second = await w.invoke({ scenario: "echo" });
    expect(second.headers.get("X-Cold-Start")).toBeNull();
    expect(second.headers.get("X-Init-Duration-Ms")).toBeNull();
  });

  test("the child gets the whole request on stdin and its JSON stdout is the raw 200 body", async () => {
    // A 20-digit integer survives only if nobody re-serialises the JSON through a double.
    const body = '{"input": {"scenario": "echo", "n": 12345678901234567890}, "metadata": {"k": "v"}}';
    const res = await fetch(`${w.url}/invoke`, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/json");
    expect(await res.text()).toBe(body);
  });

  test("identity reaches the child: X-Execution-Id, X-Trace-Id, attempt, idempotency key", async () => {
    const res = await w.invoke(
      { scenario: "env" },
      { "X-Execution-Id": " exec-1 ", "X-Trace-Id": "trace-1", "X-Dispatch-Attempt": "3", "Idempotency-Key": "idem" },
    );
    expect(res.headers.get("X-Execution-Id")).toBe("exec-1");
    expect(await res.json()).toMatchObject({
      EXECUTION_ID: "exec-1",
      TRACE_ID: "trace-1",
      DISPATCH_ATTEMPT: "3",
      IDEMPOTENCY_KEY: "idem",
      FUNCTION_NAME: "echo",
      CALLBACK_URL: null,
    });
  });

  test("without X-Trace-Id the trace id comes from traceparent, else from TRACE_ID", async () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const fromHeader = await (await w.invoke({ scenario: "env" }, { traceparent })).json();
    expect(fromHeader).toMatchObject({ TRACE_ID: "4bf92f3577b34da6a3ce929d0e0e4736", TRACEPARENT: traceparent });
    const fromEnv = await (await w.invoke({ scenario: "env" }, { traceparent: "garbage" })).json();
    expect(fromEnv).toMatchObject({ TRACE_ID: "env-trace", TRACEPARENT: null });
  });

  test("a request without X-Execution-Id gets a generated id, echoed back", async () => {
    const res = await w.invoke({ scenario: "env" });
    const id = res.headers.get("X-Execution-Id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await res.json()).EXECUTION_ID).toBe(id);
  });

  test("stderr noise does not disturb a JSON result", async () => {
    const res = await w.invoke({ scenario: "stderr_noise" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  test("empty stdout with exit 0 is a success with null", async () => {
    const res = await w.invoke({ scenario: "empty" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("null");
  });

  test.each([
    ["non-zero exit", "FUNCTION_ERROR", { scenario: "exit", code: 42 }, /exited with code 42: something went wrong/],
    ["crash", "FUNCTION_ERROR", { scenario: "crash" }, /killed by SIGSEGV/],
    [
      "non-JSON stdout",
      "INVALID_OUTPUT",
      { scenario: "invalid" },
      /stdout is not a single JSON value.*this is not json/,
    ],
    ["two JSON documents", "INVALID_OUTPUT", { scenario: "multi" }, /not a single JSON value/],
    ["stdout over MAX_OUTPUT_BYTES", "OUTPUT_TOO_LARGE", { scenario: "big", bytes: 20_000 }, /MAX_OUTPUT_BYTES=10000/],
  ])("%s → 500 %s", async (_name, code, input, message) => {
    const res = await w.invoke(input, { "X-Execution-Id": "failing" });
    expect(res.status).toBe(500);
    expect(res.headers.get("X-Execution-Id")).toBe("failing");
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
  });

  test("a background process left behind by a finished invocation is killed and reaped", async () => {
    const pidfile = join(dir, "orphan.pid");
    const res = await w.invoke({ scenario: "orphan", pidfile });
    expect(res.status).toBe(200);
    const [grandchild] = await readPids(pidfile);
    // Gone entirely: not alive, and not a zombie either (the watchdog is its subreaper).
    await expectGone([grandchild!]);
  });

  test.each([
    ["not JSON", "{nope", "INVALID_JSON"],
    ["not an object", "[1,2]", "INVALID_REQUEST"],
    ["metadata not a string map", JSON.stringify({ input: 1, metadata: { a: 1 } }), "INVALID_REQUEST"],
  ])("bad request (%s: %s) → 400 %s", async (_name, body, code) => {
    const res = await fetch(`${w.url}/invoke`, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  test("GET /health is 200 with a small JSON body; unknown paths are 404 in the error shape", async () => {
    const health = await fetch(`${w.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const legacy = await fetch(`${w.url}/invoke`);
    expect(legacy.status).toBe(200);
    const missing = await fetch(`${w.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: "NOT_FOUND", message: "No route for GET /nope" } });
  });

  test("GET /metrics counts invocations by outcome in Prometheus text", async () => {
    const before = await (await fetch(`${w.url}/metrics`)).text();
    const okBefore = metricValue(before, 'watchdog_invocations_total{function="echo",mode="STDIO",success="true"}');
    await w.invoke({ scenario: "echo" });
    const res = await fetch(`${w.url}/metrics`);
    expect(res.headers.get("Content-Type")).toContain("text/plain; version=0.0.4");
    const text = await res.text();
    expect(metricValue(text, 'watchdog_invocations_total{function="echo",mode="STDIO",success="true"}')).toBe(
      okBefore + 1,
    );
    expect(
      metricValue(text, 'watchdog_invocations_total{function="echo",mode="STDIO",success="false"}'),
    ).toBeGreaterThan(0);
    expect(metricValue(text, 'watchdog_invocations_in_flight{function="echo"}')).toBe(0);
    expect(metricValue(text, 'watchdog_rejected_total{function="echo",reason="bad_request"}')).toBe(3);
    expect(text).toContain('watchdog_invocation_duration_seconds_bucket{function="echo",mode="STDIO",le="0.005"}');
  });
});
