/**
 * One-shot mode (a Kubernetes Job) against the compiled binary: every execution mode runs once on
 * INVOCATION_PAYLOAD and reports to a real local callback server; failures are reported too, and
 * the exit code says how it went.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import {
  COPY_SH,
  expectGone,
  HTTP_SERVER,
  PY_HANDLER,
  readPids,
  runOnce,
  callbackServers,
  tempDir,
  setupWatchdogTests,
} from "./harness.ts";

setupWatchdogTests();

const callbackServer = callbackServers();

function payload(input: unknown): string {
  return JSON.stringify({ input, metadata: { source: "job" } });
}

describe("one-shot, every mode", () => {
  test("STDIO: the result is posted to {CALLBACK_URL}/{id}:complete with attempt and trace headers; exit 0", async () => {
    const cp = callbackServer();
    const run = await runOnce({
      EXECUTION_MODE: "STDIO",
      WATCHDOG_CMD: PY_HANDLER,
      INVOCATION_PAYLOAD: payload({ scenario: "upper", text: "hello" }),
      EXECUTION_ID: "exec-1",
      CALLBACK_URL: cp.base,
      TRACE_ID: "trace-9",
      DISPATCH_ATTEMPT: "2",
    });
    expect(run.code).toBe(0);
    expect(cp.calls).toHaveLength(1);
    const [call] = cp.calls;
    expect(call!.path).toBe("/v1/internal/executions/exec-1:complete");
    expect(call!.body).toEqual({ success: true, output: { output: "HELLO" }, error: null });
    expect(call!.headers).toMatchObject({
      "content-type": "application/json",
      "x-dispatch-attempt": "2",
      "x-trace-id": "trace-9",
    });
  });

  test("STDIO: the child gets the request JSON and the execution id; X-Dispatch-Attempt defaults to 1", async () => {
    const cp = callbackServer();
    const run = await runOnce({
      EXECUTION_MODE: "STDIO",
      WATCHDOG_CMD: PY_HANDLER,
      INVOCATION_PAYLOAD: payload({ scenario: "echo" }),
      EXECUTION_ID: "exec-2",
      CALLBACK_URL: cp.base,
    });
    expect(run.code).toBe(0);
    expect(cp.calls[0]!.body).toEqual({
      success: true,
      output: { input: { scenario: "echo" }, metadata: { source: "job" } },
      error: null,
    });
    expect(cp.calls[0]!.headers["x-dispatch-attempt"]).toBe("1");
    expect(cp.calls[0]!.headers["x-trace-id"]).toBeUndefined();
  });

  test("FILE: a sh function's output file is the result", async () => {
    const cp = callbackServer();
    const run = await runOnce({
      EXECUTION_MODE: "FILE",
      WATCHDOG_CMD: COPY_SH,
      INVOCATION_PAYLOAD: payload([1, 2]),
      EXECUTION_ID: "exec-3",
      CALLBACK_URL: cp.base,
    });
    expect(run.code).toBe(0);
    expect(cp.calls[0]!.body).toEqual({
      success: true,
      output: { input: [1, 2], metadata: { source: "job" } },
      error: null,
    });
  });

  test("HTTP: the child server is started, invoked with the execution id, and stopped", async () => {
    const cp = callbackServer();
    const run = await runOnce({
      EXECUTION_MODE: "HTTP",
      WATCHDOG_CMD: HTTP_SERVER,
      INVOCATION_PAYLOAD: payload({ n: 1 }),
      EXECUTION_ID: "exec-4",
      CALLBACK_URL: cp.base,
      TRACE_ID: "trace-4",
    });
    expect(run.code).toBe(0);
    const body = cp.calls[0]!.body as {
      success: boolean;
      output: { pid: number; headers: Record<string, string>; env: object };
    };
    expect(body.success).toBe(true);
    expect(body.output.headers).toMatchObject({ "x-execution-id": "exec-4", "x-trace-id": "trace-4" });
    expect(body.output.env).toMatchObject({ CALLBACK_URL: null });
    await expectGone([body.output.pid]);
  });

  test("HTTP: a child that never becomes ready is reported as STARTUP_ERROR; exit 1", async () => {
    const cp = callbackServer();
    const run = await runOnce({
      EXECUTION_MODE: "HTTP",
      WATCHDOG_CMD: HTTP_SERVER,
      STARTUP_DELAY_MS: "5000",
      READY_TIMEOUT_MS: "300",
      KILL_GRACE_MS: "200",
      INVOCATION_PAYLOAD: payload(null),
      EXECUTION_ID: "exec-5",
      CALLBACK_URL: cp.base,
    });
    expect(run.code).toBe(1);
    expect(cp.calls[0]!.body).toMatchObject({ success: false, output: null, error: { code: "STARTUP_ERROR" } });
  });
});

describe("one-shot failures", () => {
  test("a failing function is reported with its error; exit 1", async () => {
    const cp = callbackServer();
    const run = await runOnce({
      EXECUTION_MODE: "STDIO",
      WATCHDOG_CMD: PY_HANDLER,
      INVOCATION_PAYLOAD: payload({ scenario: "exit", code: 42 }),
      EXECUTION_ID: "exec-6",
      CALLBACK_URL: cp.base,
    });
    expect(run.code).toBe(1);
    expect(cp.calls[0]!.body).toEqual({
      success: false,
      output: null,
      error: { code: "FUNCTION_ERROR", message: "Process exited with code 42: something went wrong" },
    });
  });

  test("a timeout is reported as HANDLER_TIMEOUT and leaves no process behind", async () => {
    const cp = callbackServer();
    const pidfile = join(await tempDir(), "pids");
    const run = await runOnce({
      EXECUTION_MODE: "STDIO",
      WATCHDOG_CMD: PY_HANDLER,
      TIMEOUT_MS: "400",
      INVOCATION_PAYLOAD: payload({ scenario: "hang", pidfile }),
      EXECUTION_ID: "exec-7",
      CALLBACK_URL: cp.base,
    });
    expect(run.code).toBe(1);
    expect(cp.calls).toHaveLength(1);
    expect(cp.calls[0]!.body).toEqual({
      success: false,
      output: null,
      error: { code: "HANDLER_TIMEOUT", message: "Function exceeded TIMEOUT_MS=400" },
    });
    await expectGone(await readPids(pidfile)); // default 2 s: a loaded machine reaps slowly; survivors past it are orphans
  });

  test("HTTP: a child that does not answer in time is reported as HANDLER_TIMEOUT and stopped", async () => {
    const cp = callbackServer();
    const run = await runOnce({
      EXECUTION_MODE: "HTTP",
      WATCHDOG_CMD: HTTP_SERVER,
      TIMEOUT_MS: "400",
      KILL_GRACE_MS: "300",
      INVOCATION_PAYLOAD: payload({ scenario: "block" }),
      EXECUTION_ID: "exec-7h",
      CALLBACK_URL: cp.base,
    });
    expect(run.code).toBe(1);
    expect(cp.calls[0]!.body).toEqual({
      success: false,
      output: null,
      error: { code: "HANDLER_TIMEOUT", message: "Function exceeded TIMEOUT_MS=400" },
    });
    // Busy in a loop, the child cannot run its SIGTERM handler: it takes the SIGKILL.
    const started = run.logs.split("\n").find((l) => l.includes('"msg":"function runtime started"'));
    await expectGone([(JSON.parse(started!) as { pid: number }).pid]);
  });

  test.each([
    ["not JSON", "INVALID_JSON", "{oops"],
    ["metadata not a string map", "INVALID_REQUEST", JSON.stringify({ input: 1, metadata: { n: 1 } })],
  ])("an INVOCATION_PAYLOAD that is %s is reported as %s; exit 1", async (_name, code, invocationPayload) => {
    const cp = callbackServer();
    const run = await runOnce({
      EXECUTION_MODE: "STDIO",
      WATCHDOG_CMD: PY_HANDLER,
      INVOCATION_PAYLOAD: invocationPayload,
      EXECUTION_ID: "exec-8",
      CALLBACK_URL: cp.base,
    });
    expect(run.code).toBe(1);
    expect(cp.calls[0]!.body).toMatchObject({ success: false, error: { code } });
  });

  test("a missing INVOCATION_PAYLOAD is reported as INVALID_REQUEST", async () => {
    const cp = callbackServer();
    const run = await runOnce({
      EXECUTION_MODE: "STDIO",
      WATCHDOG_CMD: PY_HANDLER,
      EXECUTION_ID: "exec-9",
      CALLBACK_URL: cp.base,
    });
    expect(run.code).toBe(1);
    expect(cp.calls[0]!.body).toEqual({
      success: false,
      output: null,
      error: { code: "INVALID_REQUEST", message: "INVOCATION_PAYLOAD is required in one-shot mode" },
    });
  });

  test("without CALLBACK_URL the result is printed on stdout", async () => {
    const run = await runOnce({
      EXECUTION_MODE: "STDIO",
      WATCHDOG_CMD: PY_HANDLER,
      INVOCATION_PAYLOAD: payload({ scenario: "empty" }),
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ success: true, output: null, error: null });
  });
});
