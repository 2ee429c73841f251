/**
 * Pool dispatch end to end: a real listening control plane, a real misbehaving pod (test/fakes),
 * and every failure mode the pod can produce (SPEC §4, reference §5.2).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type FakePod, startFakePod } from "../fakes/fake-pod";
import { until } from "../support/until";
import { jsonRequest, type Served, serveControlPlane, testControlPlane } from "../support/control-plane";

let pod: FakePod;
let served: Served;

beforeAll(async () => {
  pod = await startFakePod();
  served = serveControlPlane(testControlPlane({ NANOFAAS_HTTP_CLIENT_MAX_IN_MEMORY_SIZE_MB: "1" }));
  const register = (spec: Record<string, unknown>) =>
    fetch(`${served.url}/v1/functions`, jsonRequest("POST", { executionMode: "POOL", endpointUrl: pod.url, ...spec }));
  await register({ name: "once", maxRetries: 1, timeoutMs: 300 });
  await register({ name: "retry", maxRetries: 3, retryBackoff: { baseDelayMs: 1, jitter: 0 } });
  await register({ name: "slow-retry", maxRetries: 3, retryBackoff: { baseDelayMs: 5000, jitter: 0 } });
});

afterAll(async () => {
  await served.stop();
  await pod.close();
});

const invoke = async (name: string, input: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${served.url}/v1/functions/${name}:invoke`, jsonRequest("POST", { input }, headers));
  return { status: res.status, headers: res.headers, body: await res.json() };
};

describe("pod answers", () => {
  test.each([
    ["echo", { fake: "echo" }, { status: "success", output: { fake: "echo" } }],
    ["empty 2xx body → success null (SPEC §1.6)", { fake: "empty" }, { status: "success", output: null }],
    ["literal null → success null", { fake: "null" }, { status: "success", output: null }],
    ["text/plain → a string output", { fake: "text", text: "hello" }, { status: "success", output: "hello" }],
    [
      "non-2xx → POOL_ERROR with the body",
      { fake: "status", status: 503, body: "pod says no" },
      { status: "error", error: { code: "POOL_ERROR", message: "pod says no" } },
    ],
    [
      "non-2xx, empty body → POOL_ERROR with the status line",
      { fake: "status", status: 500, body: "" },
      { status: "error", error: { code: "POOL_ERROR" } },
    ],
    ["garbage → POOL_ERROR", { fake: "garbage" }, { status: "error", error: { code: "POOL_ERROR" } }],
    ["connection closed → POOL_ERROR", { fake: "close" }, { status: "error", error: { code: "POOL_ERROR" } }],
    [
      "hang → POOL_TIMEOUT after timeoutMs",
      { fake: "hang" },
      { status: "error", error: { code: "POOL_TIMEOUT", message: "Pool request timed out after 300ms" } },
    ],
    [
      "over the response cap → POOL_ERROR",
      { fake: "big", bytes: 2 * 1024 * 1024 },
      { status: "error", error: { code: "POOL_ERROR" } },
    ],
  ])("%s", async (_, input, expected) => {
    const { status, body } = await invoke("once", input, { "x-timeout-ms": "5000" });
    expect(status).toBe(200);
    expect(body).toMatchObject(expected);
  });

  test("no slot is leaked by any of those failure modes", () => {
    expect(served.cp.engine.queueStats().get("once")!.inFlight).toBe(0);
  });

  test("cold-start headers are recorded on the execution", async () => {
    const { body } = await invoke("once", { fake: "cold", initMs: 123 });
    const view = await (await fetch(`${served.url}/v1/executions/${body.executionId}`)).json();
    expect(view).toMatchObject({ status: "success", coldStart: true, initDurationMs: 123 });
  });
});

describe("what the pod receives", () => {
  test("body and headers: execution id, attempt, trace context, idempotency key", async () => {
    pod.reset();
    const headers = {
      "x-trace-id": "trace-1",
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      tracestate: "vendor=1",
      "idempotency-key": "idem-1",
    };
    const { body } = await invoke("once", { hello: "world" }, headers);
    const [call] = pod.calls;
    expect(call!.body).toEqual({ input: { hello: "world" }, metadata: null });
    expect(call!.executionId).toBe(body.executionId);
    expect(call!.attempt).toBe(1);
    expect(call!.headers["x-trace-id"]).toBe("trace-1");
    expect(call!.headers.traceparent).toBe(headers.traceparent);
    expect(call!.headers.tracestate).toBe("vendor=1");
    expect(call!.headers["idempotency-key"]).toBe("idem-1");
    expect(call!.headers["content-type"]).toBe("application/json");
    // Authentication is off here: callbacks are not checked, so no token is computed or sent.
    expect(call!.headers["x-callback-token"]).toBeUndefined();
  });

  test("retries bump X-Dispatch-Attempt, keep the trace id and drop the idempotency key", async () => {
    pod.reset();
    const { body } = await invoke(
      "retry",
      { fake: "flaky", failTimes: 2 },
      { "idempotency-key": "k-retry", "x-trace-id": "t-2" },
    );
    expect(body.status).toBe("success");
    const calls = pod.callsFor(body.executionId);
    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(calls.map((c) => c.headers["idempotency-key"])).toEqual(["k-retry", undefined, undefined]);
    expect(calls.map((c) => c.headers["x-trace-id"])).toEqual(["t-2", "t-2", "t-2"]);
  });

  test("exhausted retries end with the last attempt's error", async () => {
    pod.reset();
    const { body } = await invoke("retry", { fake: "flaky", failTimes: 10 });
    expect(body).toMatchObject({ status: "error", error: { code: "POOL_ERROR" } });
    expect(pod.callsFor(body.executionId).length).toBe(3);
  });
});

describe("sync timeouts against a slow pod", () => {
  test("the caller gets 200 timeout; the pod's late answer is discarded and the slot comes back", async () => {
    const { body } = await invoke("once", { fake: "sleep", ms: 150 }, { "x-timeout-ms": "30" });
    expect(body).toMatchObject({ status: "timeout", output: null, error: { code: "TIMEOUT" } });
    await Bun.sleep(200);
    const view = await (await fetch(`${served.url}/v1/executions/${body.executionId}`)).json();
    expect(view.status).toBe("timeout");
    expect(served.cp.engine.queueStats().get("once")!.inFlight).toBe(0);
  });

  test("a timeout while a retry waits still reports when the work started, and why it ended", async () => {
    const { body } = await invoke("slow-retry", { fake: "flaky", failTimes: 10 }, { "x-timeout-ms": "300" });
    expect(body).toMatchObject({
      status: "timeout",
      output: null,
      error: { code: "TIMEOUT", message: expect.stringContaining("wait") },
    });
    const view = await (await fetch(`${served.url}/v1/executions/${body.executionId}`)).json();
    expect(view).toMatchObject({ status: "timeout", error: { code: "TIMEOUT" } });
    expect(view.startedAt).toEqual(expect.any(String));
  });

  test("async work against a hanging pod ends POOL_TIMEOUT, never stuck", async () => {
    const res = await fetch(
      `${served.url}/v1/functions/once:enqueue`,
      jsonRequest("POST", { input: { fake: "hang" } }),
    );
    const { executionId } = await res.json();
    await Bun.sleep(450);
    const view = await (await fetch(`${served.url}/v1/executions/${executionId}`)).json();
    expect(view).toMatchObject({ status: "error", error: { code: "POOL_TIMEOUT" } });
  });
});

describe("callbacks through HTTP", () => {
  test("a callback racing an in-flight HTTP attempt is ignored: the pod's response decides", async () => {
    pod.setBehavior(() => ({ fake: "sleep", ms: 100 }));
    try {
      const res = await fetch(`${served.url}/v1/functions/once:enqueue`, jsonRequest("POST", { input: "x" }));
      const { executionId } = await res.json();
      await pod.waitForCalls(1);
      const cb = await fetch(
        `${served.url}/v1/internal/executions/${executionId}:complete`,
        jsonRequest(
          "POST",
          { success: false, error: { code: "HANDLER_ERROR", message: "from callback" } },
          { "x-dispatch-attempt": "1" },
        ),
      );
      expect(cb.status).toBe(204);
      await Bun.sleep(150);
      const view = await (await fetch(`${served.url}/v1/executions/${executionId}`)).json();
      expect(view).toMatchObject({ status: "success", output: "x" });
      expect(served.cp.engine.queueStats().get("once")!.inFlight).toBe(0);
    } finally {
      pod.setBehavior(undefined);
      pod.reset();
    }
  });

  test("forged callbacks for a queued execution → 409 envelope; it still runs once and the slot comes back", async () => {
    await fetch(
      `${served.url}/v1/functions`,
      jsonRequest("POST", { name: "single", executionMode: "POOL", endpointUrl: pod.url, concurrency: 1 }),
    );
    const enqueue = async (input: unknown) =>
      (await (await fetch(`${served.url}/v1/functions/single:enqueue`, jsonRequest("POST", { input }))).json())
        .executionId as string;
    const callBack = (id: string, body: unknown) =>
      fetch(`${served.url}/v1/internal/executions/${id}:complete`, jsonRequest("POST", body));
    pod.reset();
    const first = await enqueue({ fake: "sleep", ms: 100 });
    const queued = await enqueue("queued");
    for (const body of [
      { success: true, output: "forged" },
      { success: false, error: { code: "X", message: "forged" } },
    ]) {
      const res = await callBack(queued, body);
      expect(res.status).toBe(409);
      expect(await res.json()).toEqual({
        error: "CONFLICT",
        message: `Execution '${queued}' attempt 1 was never dispatched (it is queued); the callback was not applied`,
      });
    }
    expect((await (await fetch(`${served.url}/v1/executions/${queued}`)).json()).status).toBe("queued");
    const statusOf = async (id: string) => (await (await fetch(`${served.url}/v1/executions/${id}`)).json()).status;
    await until(async () => (await statusOf(queued)) === "success", "the queued execution to run");
    expect(await statusOf(first)).toBe("success");
    expect(pod.calls.filter((call) => call.executionId === queued)).toHaveLength(1);
    expect(served.cp.engine.queueStats().get("single")!.inFlight).toBe(0);
    pod.reset();
  });
});
