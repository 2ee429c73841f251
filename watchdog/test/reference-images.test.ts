/**
 * Images built for the reference watchdog run under ours (issue 15.5), against the compiled
 * binary: RUNTIME_URL / HEALTH_URL point at a runtime on a fixed port with its own health path; a
 * runtime started with `--port N` (uvicorn, the reference's Python SDK) needs no CHILD_PORT; a
 * one-shot run whose WATCHDOG_CMD does not exist still calls back; INVOCATION_PAYLOAD=null works.
 */
import { afterEach, describe, expect, test } from "bun:test";
import {
  callbackServers,
  HTTP_SERVER,
  PY_HANDLER,
  runOnce,
  setupWatchdogTests,
  startWarm,
  stopWatchdog,
  type Watchdog,
} from "./harness.ts";

setupWatchdogTests();
const callbackServer = callbackServers();

let warm: Watchdog | undefined;
afterEach(async () => {
  if (warm) expect(await stopWatchdog(warm)).toBe(0);
  warm = undefined;
});

function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

describe("HTTP child of a reference image", () => {
  test("RUNTIME_URL and HEALTH_URL: a runtime on a fixed port with /actuator/health becomes ready and is invoked", async () => {
    const port = freePort();
    warm = await startWarm({
      EXECUTION_MODE: "HTTP",
      WATCHDOG_CMD: `${HTTP_SERVER} --port ${port}`,
      HEALTH_PATH: "/actuator/health",
      RUNTIME_URL: `http://127.0.0.1:${port}/invoke`,
      HEALTH_URL: `http://127.0.0.1:${port}/actuator/health`,
      READY_TIMEOUT_MS: "5000",
    });
    await warm.waitHealthy(5000);
    const res = await warm.invoke({ scenario: "echo" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { env: { PORT: string } }).env.PORT).toBe(String(port));
  });

  test("HEALTH_URL defaults to RUNTIME_URL with /invoke replaced by /health", async () => {
    const port = freePort();
    warm = await startWarm({
      EXECUTION_MODE: "HTTP",
      WATCHDOG_CMD: `${HTTP_SERVER} --port ${port}`,
      RUNTIME_URL: `http://127.0.0.1:${port}/invoke`,
    });
    await warm.waitHealthy(5000);
    expect((await warm.invoke({ scenario: "echo" })).status).toBe(200);
  });

  test("a runtime that names its port with --port (uvicorn, the reference's Python SDK) needs no CHILD_PORT", async () => {
    const port = freePort();
    warm = await startWarm({ EXECUTION_MODE: "HTTP", WATCHDOG_CMD: `${HTTP_SERVER} --port ${port}` });
    await warm.waitHealthy(5000);
    expect((await warm.invoke({ scenario: "echo" })).status).toBe(200);
  });

  test("RUNTIME_URL on the watchdog's own port is a start-up error naming it", async () => {
    const run = await runOnce({
      WARM: "true",
      WARM_PORT: "8089",
      EXECUTION_MODE: "HTTP",
      WATCHDOG_CMD: HTTP_SERVER,
      RUNTIME_URL: "http://127.0.0.1:8089/invoke",
    });
    expect(run.code).toBe(2);
    expect(run.logs).toContain("RUNTIME_URL puts the function runtime on port 8089");
  });
});

describe("one-shot runs of a reference Job", () => {
  test("a WATCHDOG_CMD that does not exist is reported to the callback as FUNCTION_ERROR (then exit 2)", async () => {
    const cp = callbackServer();
    const run = await runOnce({
      EXECUTION_MODE: "HTTP",
      WATCHDOG_CMD: "/nonexistent/runtime --flag",
      INVOCATION_PAYLOAD: '{"input":1}',
      EXECUTION_ID: "exec-missing",
      CALLBACK_URL: cp.base,
    });
    expect(run.code).toBe(2);
    expect(cp.calls).toHaveLength(1);
    expect(cp.calls[0]!.path).toBe("/v1/internal/executions/exec-missing:complete");
    expect(cp.calls[0]!.body).toMatchObject({
      success: false,
      output: null,
      error: { code: "FUNCTION_ERROR", message: expect.stringContaining("/nonexistent/runtime") },
    });
  });

  test("INVOCATION_PAYLOAD=null runs the function with input null", async () => {
    const cp = callbackServer();
    const run = await runOnce({
      EXECUTION_MODE: "STDIO",
      WATCHDOG_CMD: PY_HANDLER,
      INVOCATION_PAYLOAD: "null",
      EXECUTION_ID: "exec-null",
      CALLBACK_URL: cp.base,
    });
    expect(run.code).toBe(0);
    // The echo scenario answers with the request it read: {"input": null}.
    expect(cp.calls[0]!.body).toMatchObject({ success: true, output: { input: null }, error: null });
  });
});
