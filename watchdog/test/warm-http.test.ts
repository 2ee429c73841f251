/**
 * Warm HTTP mode against the compiled binary and a real Bun HTTP server as the child: start-up
 * readiness, the proxy contract, error pass-through, crash restart and hang recovery.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import {
  expectGone,
  HTTP_SERVER,
  metricValue,
  startWarm,
  stopWatchdog,
  tempDir,
  type Watchdog,
  setupWatchdogTests,
} from "./harness.ts";

setupWatchdogTests();

let w: Watchdog;

interface Echo {
  request: unknown;
  pid: number;
  headers: Record<string, string>;
  env: { CALLBACK_URL: string | null; PORT: string };
}

beforeAll(async () => {
  w = await startWarm({
    EXECUTION_MODE: "HTTP",
    WATCHDOG_CMD: HTTP_SERVER,
    FUNCTION_NAME: "proxy",
    STARTUP_DELAY_MS: "300",
    MAX_OUTPUT_BYTES: "10000",
    TIMEOUT_MS: "700",
    KILL_GRACE_MS: "300",
    CALLBACK_URL: "http://127.0.0.1:9/never-used",
  });
});

afterAll(async () => {
  expect(await stopWatchdog(w)).toBe(0);
});

describe("warm HTTP", () => {
  test("/health is 503 while the child starts, then 200; /invoke is refused meanwhile", async () => {
    const starting = await fetch(`${w.url}/health`);
    expect(starting.status).toBe(503);
    expect(await starting.json()).toEqual({ status: "starting" });
    const early = await w.invoke({});
    expect(early.status).toBe(503);
    expect(((await early.json()) as { error: { code: string } }).error.code).toBe("UNAVAILABLE");
    await w.waitHealthy();
  });

  test("proxies the request, headers and ids to the child's own port; first success is the cold one", async () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const res = await w.invoke(
      { hello: "world" },
      { "X-Execution-Id": "e-1", "X-Dispatch-Attempt": "2", "X-Trace-Id": "t-1", traceparent, "Idempotency-Key": "k" },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Cold-Start")).toBe("true");
    expect(Number(res.headers.get("X-Init-Duration-Ms"))).toBeGreaterThanOrEqual(300);
    const echo = (await res.json()) as Echo;
    expect(echo.request).toEqual({ input: { hello: "world" } });
    expect(echo.headers).toMatchObject({
      "x-execution-id": "e-1",
      "x-dispatch-attempt": "2",
      "x-trace-id": "t-1",
      traceparent,
      "idempotency-key": "k",
      "content-type": "application/json",
    });
    // Its own loopback port, and no CALLBACK_URL: the child must not send a second callback.
    expect(echo.env.PORT).not.toBe(new URL(w.url).port);
    expect(echo.env.CALLBACK_URL).toBeNull();
    const again = await w.invoke({});
    expect(again.headers.get("X-Cold-Start")).toBeNull();
  });

  test("empty 200 from the child is a success with null", async () => {
    const res = await w.invoke({ scenario: "empty" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("null");
  });

  test("a well-formed child error passes through with its own status and code", async () => {
    const res = await w.invoke({ scenario: "shaped_error" });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: "INVALID_REQUEST", message: "no thanks" } });
  });

  test.each([
    ["a plain-text 500", "FUNCTION_ERROR", { scenario: "plain_error" }, /answered HTTP 500: boom/],
    ["non-JSON 200", "INVALID_OUTPUT", { scenario: "invalid" }, /response body is not a single JSON value/],
    ["a body over MAX_OUTPUT_BYTES", "OUTPUT_TOO_LARGE", { scenario: "big", bytes: 20_000 }, /MAX_OUTPUT_BYTES=10000/],
    [
      "a chunked body over MAX_OUTPUT_BYTES",
      "OUTPUT_TOO_LARGE",
      { scenario: "chunked_big", bytes: 20_000 },
      /MAX_OUTPUT_BYTES/,
    ],
  ])("%s → 500 %s", async (_name, code, input, message) => {
    const res = await w.invoke(input);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
  });

  test("a slow answer past TIMEOUT_MS is 504 HANDLER_TIMEOUT; a child still answering /health is kept", async () => {
    const { pid } = (await (await w.invoke({ scenario: "pid" })).json()) as { pid: number };
    const started = performance.now();
    const res = await w.invoke({ scenario: "hang" });
    expect(res.status).toBe(504);
    expect(performance.now() - started).toBeLessThan(1500);
    expect(await res.json()).toEqual({
      error: { code: "HANDLER_TIMEOUT", message: "Function exceeded TIMEOUT_MS=700" },
    });
    await Bun.sleep(300);
    const after = (await (await w.invoke({ scenario: "pid" })).json()) as { pid: number };
    expect(after.pid).toBe(pid);
  });

  test("a crashed child fails its invocation, /health turns 503, and it is restarted", async () => {
    const { pid } = (await (await w.invoke({ scenario: "pid" })).json()) as { pid: number };
    const res = await w.invoke({ scenario: "crash" });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error).toEqual({ code: "FUNCTION_ERROR", message: "Function runtime exited during the invocation" });
    const health = await fetch(`${w.url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: "restarting" });
    await w.waitHealthy();
    const after = (await (await w.invoke({ scenario: "pid" })).json()) as { pid: number };
    expect(after.pid).not.toBe(pid);
    await expectGone([pid]);
  });

  test("a child that stops answering altogether is killed (SIGKILL after the grace) and replaced", async () => {
    const { pid } = (await (await w.invoke({ scenario: "pid" })).json()) as { pid: number };
    const res = await w.invoke({ scenario: "block" });
    expect(res.status).toBe(504);
    await w.waitFor((l) => l.msg === "function runtime stopped answering /health; restarting");
    await w.waitHealthy();
    const after = (await (await w.invoke({ scenario: "pid" })).json()) as { pid: number };
    expect(after.pid).not.toBe(pid);
    await expectGone([pid]);
    const metrics = await (await fetch(`${w.url}/metrics`)).text();
    expect(metricValue(metrics, 'watchdog_child_restarts_total{function="proxy"}')).toBe(2);
    expect(metricValue(metrics, 'watchdog_timeouts_total{function="proxy",mode="HTTP"}')).toBe(2);
  });
});

describe("warm HTTP start-up failures", () => {
  test("a child that exits before it is ready keeps /health at 503 and is retried with backoff", async () => {
    const failing = await startWarm({ EXECUTION_MODE: "HTTP", WATCHDOG_CMD: HTTP_SERVER, EXIT_ON_START: "4" });
    const exits = () => failing.logs.filter((l) => l.msg === "function runtime exited before it became ready").length;
    await failing.waitFor(() => exits() >= 2);
    const health = await fetch(`${failing.url}/health`);
    expect(health.status).toBe(503);
    expect(await stopWatchdog(failing)).toBe(0);
  });

  test("SIGTERM is forwarded to the child after the drain", async () => {
    const marker = join(await tempDir(), "marker");
    const graceful = await startWarm({ EXECUTION_MODE: "HTTP", WATCHDOG_CMD: HTTP_SERVER, MARKER_FILE: marker });
    await graceful.waitHealthy();
    const { pid } = (await (await graceful.invoke({ scenario: "pid" })).json()) as { pid: number };
    const slow = graceful.invoke({ scenario: "slow", ms: 400 });
    await Bun.sleep(100);
    expect(await stopWatchdog(graceful)).toBe(0);
    expect((await slow).status).toBe(200);
    expect(await Bun.file(marker).text()).toBe("SIGTERM\n");
    await expectGone([pid]);
  });
});
