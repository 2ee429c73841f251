/**
 * @module
 * The pod contract (SPEC §2) as a bun:test suite that any pod must pass: the Bun runtime, the
 * Python runtime, a compiled binary, the watchdog. The pod under test must serve the contract
 * handler (runtimes/contract/README.md), whose behaviour is chosen by `input.op`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Header } from "../../src/contracts/headers.ts";
import { PodErrorCode } from "../../src/contracts/pod.ts";
import { invoke, call } from "./client.ts";
import { POD_HOOK_TIMEOUT_MS } from "./process-pod.ts";
import { registerCallbackTests, registerLifecycleTests } from "./suite-lifecycle.ts";

export interface ContractPod {
  baseUrl: string;
  /** Stops the pod and resolves once its process (if any) has exited. */
  stop(): Promise<void>;
  /** Sends a signal to the pod process; enables the graceful-shutdown test. */
  signal?(signal: NodeJS.Signals): void;
  exited?: Promise<number>;
  /** Everything the pod wrote so far; enables the structured-log test. */
  output?(): string;
  /** How the pod ended if it exited without being stopped or signalled, else null. */
  diedUnexpectedly?(): string | null;
}

/** Starts a fresh pod serving the contract handler, with `env` added to its environment. */
export type StartPod = (env?: Record<string, string>) => Promise<ContractPod>;

export interface ContractOptions {
  /** Code of every handler failure when the pod cannot carry typed codes (e.g. FUNCTION_ERROR). */
  handlerErrorCode?: string;
  /** The pod reports cold starts (default true). */
  coldStart?: boolean;
  /** The pod sends completion callbacks (default true). */
  callbacks?: boolean;
  /** Handler log lines on the pod's output carry executionId/traceId (default true). */
  contextLogger?: boolean;
  /**
   * Without `X-Execution-Id` or `EXECUTION_ID`: "reject" (400 EXECUTION_ID_REQUIRED, the runtimes)
   * or "generate" (serve it and echo a generated id in `X-Execution-Id`, the watchdog). Default "reject".
   */
  missingExecutionId?: "reject" | "generate";
}

export interface SuiteContext {
  pod: () => ContractPod;
  startPod: StartPod;
  options: ContractOptions;
  /** Pods started by the suite; each must be stopped and exited by the end. */
  track(pod: ContractPod): ContractPod;
}

export function runContractSuite(name: string, startPod: StartPod, options: ContractOptions = {}): void {
  describe(`pod contract: ${name}`, () => {
    let main: ContractPod | undefined;
    const started: ContractPod[] = [];
    const ctx: SuiteContext = {
      pod: () => main ?? expect.unreachable("pod not started"),
      startPod,
      options,
      track: (pod) => {
        started.push(pod);
        return pod;
      },
    };
    beforeAll(async () => {
      main = ctx.track(await startPod());
    }, POD_HOOK_TIMEOUT_MS);
    afterAll(async () => {
      const deaths = started.map((pod) => pod.diedUnexpectedly?.() ?? null).filter((d) => d !== null);
      await Promise.all(started.map((pod) => pod.stop()));
      expect(deaths).toEqual([]);
      for (const pod of started) if (pod.exited) expect(await pod.exited).toBeNumber();
    }, POD_HOOK_TIMEOUT_MS);
    registerBasicTests(ctx);
    registerCallbackTests(ctx);
    registerLifecycleTests(ctx);
  });
}

function expectError(reply: { status: number; json: unknown; headers: Headers }, status: number, code: string) {
  expect(reply.status).toBe(status);
  expect(reply.headers.get("content-type")).toStartWith("application/json");
  expect(reply.json).toEqual({ error: { code, message: expect.any(String) } });
}

function registerBasicTests(ctx: SuiteContext): void {
  const base = () => ctx.pod().baseUrl;

  test("GET /health answers 200", async () => {
    const reply = await call(base(), "/health");
    expect(reply.status).toBe(200);
    if (reply.text !== "") expect(reply.json).toEqual({ status: "ok" });
  });

  test("GET /metrics serves Prometheus text", async () => {
    const reply = await call(base(), "/metrics");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toStartWith("text/plain");
    expect(reply.text).toMatch(/^# TYPE \w+ (counter|gauge|histogram|summary)$/m);
  });

  test.each([
    ["an object", { a: 1, nested: { b: [true, null] } }],
    ["a string", "hello"],
    ["a number", 42.5],
    ["an array", [1, "two", 3]],
    ["a boolean", false],
  ])("POST /invoke answers 200 with the handler's raw JSON value: %s", async (_kind, value) => {
    const reply = await invoke(base(), { op: "echo", value });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toStartWith("application/json");
    expect(reply.json).toEqual(value);
  });

  test("a null result is a 200 whose body is JSON null", async () => {
    const reply = await invoke(base(), { op: "echo", value: null });
    expect(reply.status).toBe(200);
    expect(["null", ""]).toContain(reply.text.trim());
  });

  test("execution id, trace id and metadata reach the handler", async () => {
    const reply = await invoke(base(), null, {
      executionId: "exec-ctx-1",
      headers: { [Header.traceId]: "trace-ctx-1" },
      rawBody: JSON.stringify({ input: { op: "context" }, metadata: { tenant: "t1", region: "eu" } }),
    });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      executionId: "exec-ctx-1",
      traceId: "trace-ctx-1",
      metadata: { tenant: "t1", region: "eu" },
    });
  });

  if (ctx.options.missingExecutionId === "generate") {
    test("a request without an execution id is served under a generated id", async () => {
      const reply = await invoke(base(), { op: "context" }, { executionId: null });
      expect(reply.status).toBe(200);
      const generated = reply.headers.get(Header.executionId);
      expect(generated).toBeTruthy();
      expect((reply.json as { executionId: string }).executionId).toBe(generated!);
    });
  } else {
    test("a request without an execution id is 400 EXECUTION_ID_REQUIRED", async () => {
      expectError(
        await invoke(base(), { op: "echo", value: 1 }, { executionId: null }),
        400,
        PodErrorCode.executionIdRequired,
      );
    });
  }

  test("a body that is not JSON is 400 INVALID_JSON", async () => {
    expectError(await invoke(base(), null, { rawBody: '{"input": ' }), 400, PodErrorCode.invalidJson);
  });

  test("metadata that is not a string map is 400 INVALID_REQUEST", async () => {
    const rawBody = JSON.stringify({ input: { op: "echo", value: 1 }, metadata: { retries: 3 } });
    expectError(await invoke(base(), null, { rawBody }), 400, PodErrorCode.invalidRequest);
  });

  test("null metadata is accepted", async () => {
    const reply = await invoke(base(), null, {
      rawBody: JSON.stringify({ input: { op: "echo", value: 7 }, metadata: null }),
    });
    expect(reply.status).toBe(200);
    expect(reply.json).toBe(7);
  });

  test("an unknown path is 404 with a JSON error", async () => {
    const reply = await call(base(), "/no/such/path");
    expect(reply.status).toBe(404);
    expect(reply.json).toEqual({ error: { code: PodErrorCode.notFound, message: expect.any(String) } });
  });

  test("a typed handler error is 500 with its code and message", async () => {
    const reply = await invoke(base(), { op: "fail", code: "INSUFFICIENT_FUNDS", message: "balance too low" });
    const code = ctx.options.handlerErrorCode ?? "INSUFFICIENT_FUNDS";
    expectError(reply, 500, code);
    if (!ctx.options.handlerErrorCode) expect(reply.json).toEqual({ error: { code, message: "balance too low" } });
  });

  test("an untyped handler failure is 500 HANDLER_ERROR", async () => {
    const reply = await invoke(base(), { op: "throw", message: "kaboom" });
    expectError(reply, 500, ctx.options.handlerErrorCode ?? PodErrorCode.handlerError);
    if (!ctx.options.handlerErrorCode)
      expect((reply.json as { error: { message: string } }).error.message).toContain("kaboom");
  });

  test("concurrent invocations run in parallel", async () => {
    const started = performance.now();
    const replies = await Promise.all([1, 2, 3, 4].map((n) => invoke(base(), { op: "sleep", ms: 800, value: n })));
    expect(replies.map((r) => r.json)).toEqual([1, 2, 3, 4]);
    // Serially at least 3200 ms. Per-call overhead (a process spawn per call for a STDIO child)
    // adds to the 800 ms rather than multiplying it, so 1600 ms of slack survives a busy machine.
    expect(performance.now() - started).toBeLessThan(2400);
  });
}
