/**
 * @module
 * The pod contract's request/response cases (SPEC §2) as plain async checks with no test
 * framework, so the bun:test suite (`suite.ts`) and `nanofaas contract test URL` (cli/) run the
 * very same cases. A case throws `ContractViolation` when the pod breaks the contract. The cases
 * need only a URL (and, for callbacks, a receiver the pod can reach); what needs control of the
 * pod's process — env, signals, its output — stays in `suite-lifecycle.ts`.
 */
import { Header } from "../../src/contracts/headers.ts";
import { PodErrorCode } from "../../src/contracts/pod.ts";
import { callbackCases } from "./cases-callbacks.ts";
import { check, expectError, expectStatus, same } from "./checks.ts";
import { call, invoke } from "./client.ts";
import type { FakeControlPlane, FakeControlPlaneOptions } from "./fake-control-plane.ts";

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

export interface CaseContext {
  baseUrl: string;
  options: ContractOptions;
  /** Aborts the case's requests (a pod that never answers must not stall the CLI). */
  signal?: AbortSignal;
  /** For callback cases: the shared receiver (its first callback for an id with "flaky" gets 503). */
  receiver?: FakeControlPlane;
  /** For callback cases: starts another receiver the pod can reach. */
  startReceiver?: (options: FakeControlPlaneOptions) => FakeControlPlane;
}

export interface ContractCase {
  name: string;
  /** "callbacks": needs `receiver`/`startReceiver`, run in their own group; "payloads": an example's table. */
  group: "basic" | "callbacks" | "payloads";
  run(ctx: CaseContext): Promise<void>;
}

const basic = (name: string, run: ContractCase["run"]): ContractCase => ({ name, group: "basic", run });

export function contractCases(options: ContractOptions = {}): ContractCase[] {
  const cases = [...basicCases(), ...requestCheckCases(options), ...handlerCases(options)];
  return options.callbacks === false ? cases : [...cases, ...callbackCases(options)];
}

const ECHO_VALUES: [string, unknown][] = [
  ["an object", { a: 1, nested: { b: [true, null] } }],
  ["a string", "hello"],
  ["a number", 42.5],
  ["an array", [1, "two", 3]],
  ["a boolean", false],
];

function basicCases(): ContractCase[] {
  return [
    basic("GET /health answers 200", async ({ baseUrl, signal }) => {
      const reply = await call(baseUrl, "/health", { signal });
      expectStatus(reply, 200);
      if (reply.text !== "") same(reply.json, { status: "ok" }, "health body");
    }),
    basic("GET /metrics serves Prometheus text", async ({ baseUrl, signal }) => {
      const reply = await call(baseUrl, "/metrics", { signal });
      expectStatus(reply, 200);
      const type = reply.headers.get("content-type") ?? "";
      check(type.startsWith("text/plain"), `expected Content-Type text/plain, got '${type}'`);
      check(/^# TYPE \w+ (counter|gauge|histogram|summary)$/m.test(reply.text), "no '# TYPE name kind' line");
    }),
    ...ECHO_VALUES.map(([kind, value]) =>
      basic(`POST /invoke answers 200 with the handler's raw JSON value: ${kind}`, async ({ baseUrl, signal }) => {
        const reply = await invoke(baseUrl, { op: "echo", value }, { signal });
        expectStatus(reply, 200);
        const type = reply.headers.get("content-type") ?? "";
        check(type.startsWith("application/json"), `expected Content-Type application/json, got '${type}'`);
        same(reply.json, value, "body");
      }),
    ),
    basic("a null result is a 200 whose body is JSON null", async ({ baseUrl, signal }) => {
      const reply = await invoke(baseUrl, { op: "echo", value: null }, { signal });
      expectStatus(reply, 200);
      check(["null", ""].includes(reply.text.trim()), `expected the body null, got ${reply.text.slice(0, 200)}`);
    }),
    basic("execution id, trace id and metadata reach the handler", async ({ baseUrl, signal }) => {
      const reply = await invoke(baseUrl, null, {
        executionId: "exec-ctx-1",
        headers: { [Header.traceId]: "trace-ctx-1" },
        rawBody: JSON.stringify({ input: { op: "context" }, metadata: { tenant: "t1", region: "eu" } }),
        signal,
      });
      expectStatus(reply, 200);
      same(
        reply.json,
        { executionId: "exec-ctx-1", traceId: "trace-ctx-1", metadata: { tenant: "t1", region: "eu" } },
        "what the handler saw",
      );
    }),
  ];
}

function requestCheckCases(options: ContractOptions): ContractCase[] {
  const missingId =
    options.missingExecutionId === "generate"
      ? basic("a request without an execution id is served under a generated id", async ({ baseUrl, signal }) => {
          const reply = await invoke(baseUrl, { op: "context" }, { executionId: null, signal });
          expectStatus(reply, 200);
          const generated = reply.headers.get(Header.executionId);
          check(!!generated, `no ${Header.executionId} header on the reply`);
          same((reply.json as { executionId?: unknown })?.executionId, generated, "the handler's execution id");
        })
      : basic("a request without an execution id is 400 EXECUTION_ID_REQUIRED", async ({ baseUrl, signal }) => {
          const reply = await invoke(baseUrl, { op: "echo", value: 1 }, { executionId: null, signal });
          expectError(reply, 400, PodErrorCode.executionIdRequired);
        });
  return [
    missingId,
    basic("a body that is not JSON is 400 INVALID_JSON", async ({ baseUrl, signal }) => {
      expectError(await invoke(baseUrl, null, { rawBody: '{"input": ', signal }), 400, PodErrorCode.invalidJson);
    }),
    basic("metadata that is not a string map is 400 INVALID_REQUEST", async ({ baseUrl, signal }) => {
      const rawBody = JSON.stringify({ input: { op: "echo", value: 1 }, metadata: { retries: 3 } });
      expectError(await invoke(baseUrl, null, { rawBody, signal }), 400, PodErrorCode.invalidRequest);
    }),
    basic("null metadata is accepted", async ({ baseUrl, signal }) => {
      const rawBody = JSON.stringify({ input: { op: "echo", value: 7 }, metadata: null });
      const reply = await invoke(baseUrl, null, { rawBody, signal });
      expectStatus(reply, 200);
      same(reply.json, 7, "body");
    }),
    basic("an unknown path is 404 with a JSON error", async ({ baseUrl, signal }) => {
      expectError(await call(baseUrl, "/no/such/path", { signal }), 404, PodErrorCode.notFound);
    }),
  ];
}

function handlerCases(options: ContractOptions): ContractCase[] {
  return [
    basic("a typed handler error is 500 with its code and message", async ({ baseUrl, signal }) => {
      const input = { op: "fail", code: "INSUFFICIENT_FUNDS", message: "balance too low" };
      const reply = await invoke(baseUrl, input, { signal });
      expectError(reply, 500, options.handlerErrorCode ?? "INSUFFICIENT_FUNDS");
      if (!options.handlerErrorCode)
        same((reply.json as { error: { message: string } }).error.message, "balance too low", "error.message");
    }),
    basic("an untyped handler failure is 500 HANDLER_ERROR", async ({ baseUrl, signal }) => {
      const reply = await invoke(baseUrl, { op: "throw", message: "kaboom" }, { signal });
      expectError(reply, 500, options.handlerErrorCode ?? PodErrorCode.handlerError);
      const message = (reply.json as { error: { message: string } }).error.message;
      if (!options.handlerErrorCode) check(message.includes("kaboom"), `error.message '${message}' lacks 'kaboom'`);
    }),
    basic("concurrent invocations run in parallel", async ({ baseUrl, signal }) => {
      const started = performance.now();
      const replies = await Promise.all(
        [1, 2, 3, 4].map((n) => invoke(baseUrl, { op: "sleep", ms: 800, value: n }, { signal })),
      );
      same(
        replies.map((r) => r.json),
        [1, 2, 3, 4],
        "the four bodies",
      );
      // Serially at least 3200 ms. Per-call overhead (a process spawn per call for a STDIO child)
      // adds to the 800 ms rather than multiplying it, so 1600 ms of slack survives a busy machine.
      const ms = performance.now() - started;
      check(ms < 2400, `four 800 ms invocations took ${Math.round(ms)} ms together: not in parallel`);
    }),
  ];
}
