/**
 * Trace propagation to pods on every attempt (W3C traceparent/tracestate, X-Trace-Id), the
 * X-Trace-Id derived from a lone traceparent, and — with an OTLP endpoint — exported spans whose
 * ids line up with what the pod received.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createOtlpTracing } from "../../src/observability/otlp-tracing";
import { jsonRequest, type Served, serveControlPlane, testControlPlane } from "../support/control-plane";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT = "00f067aa0ba902b7";
const TRACEPARENT = `00-${TRACE}-${PARENT}-01`;

interface PodCall {
  attempt: string | null;
  traceId: string | null;
  traceparent: string | null;
  tracestate: string | null;
}

/** Records trace headers per call; input `"flaky"` fails attempt 1. */
function startPod() {
  const calls: PodCall[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const { input } = (await request.json()) as { input: unknown };
      const h = request.headers;
      const attempt = h.get("x-dispatch-attempt");
      calls.push({
        attempt,
        traceId: h.get("x-trace-id"),
        traceparent: h.get("traceparent"),
        tracestate: h.get("tracestate"),
      });
      if (input === "flaky" && attempt === "1")
        return Response.json({ error: { code: "E", message: "first attempt fails" } }, { status: 500 });
      return Response.json("ok");
    },
  });
  return { server, calls, url: `http://127.0.0.1:${server.port}/invoke` };
}

/** An OTLP/HTTP collector that keeps every span it is sent (JSON encoding). */
function startCollector() {
  const spans: { name: string; traceId: string; spanId: string; parentSpanId?: string; status?: { code?: number } }[] =
    [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const body = (await request.json()) as { resourceSpans: { scopeSpans: { spans: (typeof spans)[number][] }[] }[] };
      for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      return Response.json({});
    },
  });
  return { server, spans, url: `http://127.0.0.1:${server.port}` };
}

const flakyFn = (name: string, url: string) => ({
  name,
  executionMode: "POOL",
  endpointUrl: url,
  maxRetries: 2,
  retryBackoff: { baseDelayMs: 0, maxDelayMs: 0, jitter: 0 },
});

let pod: ReturnType<typeof startPod>;
let served: Served;
beforeAll(async () => {
  pod = startPod();
  served = serveControlPlane(testControlPlane());
  await fetch(`${served.url}/v1/functions`, jsonRequest("POST", flakyFn("fn", pod.url)));
});
afterAll(async () => {
  await served.stop();
  pod.server.stop(true);
});

describe("trace propagation (no exporter)", () => {
  test("traceparent, tracestate and X-Trace-Id reach the pod unchanged on every attempt", async () => {
    pod.calls.length = 0;
    const headers = { traceparent: TRACEPARENT, tracestate: "vendor=abc", "X-Trace-Id": "my-trace" };
    const res = await fetch(`${served.url}/v1/functions/fn:invoke`, jsonRequest("POST", { input: "flaky" }, headers));
    expect((await res.json()).status).toBe("success");
    expect(pod.calls).toEqual([
      { attempt: "1", traceId: "my-trace", traceparent: TRACEPARENT, tracestate: "vendor=abc" },
      { attempt: "2", traceId: "my-trace", traceparent: TRACEPARENT, tracestate: "vendor=abc" },
    ]);
  });

  test("with only traceparent, X-Trace-Id is its trace-id (sync and async)", async () => {
    pod.calls.length = 0;
    await fetch(
      `${served.url}/v1/functions/fn:invoke`,
      jsonRequest("POST", { input: "flaky" }, { traceparent: TRACEPARENT }),
    );
    const { executionId } = await (
      await fetch(
        `${served.url}/v1/functions/fn:enqueue`,
        jsonRequest("POST", { input: 1 }, { traceparent: TRACEPARENT }),
      )
    ).json();
    while ((await (await fetch(`${served.url}/v1/executions/${executionId}`)).json()).status !== "success")
      await Bun.sleep(5);
    expect(pod.calls.map((c) => [c.attempt, c.traceId, c.traceparent])).toEqual([
      ["1", TRACE, TRACEPARENT],
      ["2", TRACE, TRACEPARENT],
      ["1", TRACE, TRACEPARENT],
    ]);
  });

  test("an invalid traceparent is not forwarded (nor its tracestate); X-Trace-Id still is", async () => {
    pod.calls.length = 0;
    const headers = { traceparent: "00-not-a-trace-01", tracestate: "a=b", "X-Trace-Id": "t" };
    await fetch(`${served.url}/v1/functions/fn:invoke`, jsonRequest("POST", { input: 1 }, headers));
    expect(pod.calls).toEqual([{ attempt: "1", traceId: "t", traceparent: null, tracestate: null }]);
  });

  test("without trace headers nothing is invented", async () => {
    pod.calls.length = 0;
    await fetch(`${served.url}/v1/functions/fn:invoke`, jsonRequest("POST", { input: 1 }));
    expect(pod.calls).toEqual([{ attempt: "1", traceId: null, traceparent: null, tracestate: null }]);
  });
});

describe("OTLP span export", () => {
  test("an execution span under the caller's, one dispatch span per attempt, the pod parented to its attempt", async () => {
    const collector = startCollector();
    const localPod = startPod();
    const tracing = createOtlpTracing({ endpoint: collector.url, serviceVersion: "test", scheduledDelayMillis: 20 });
    const cp = testControlPlane({}, { observer: tracing.observer });
    await cp.app.request("/v1/functions", jsonRequest("POST", flakyFn("traced", localPod.url)));
    const res = await cp.app.request(
      "/v1/functions/traced:invoke",
      jsonRequest("POST", { input: "flaky" }, { traceparent: TRACEPARENT, tracestate: "v=1" }),
    );
    expect((await res.json()).status).toBe("success");
    await tracing.shutdown();
    collector.server.stop(true);
    localPod.server.stop(true);

    const execution = collector.spans.find((s) => s.name === "invoke traced")!;
    const dispatches = collector.spans.filter((s) => s.name === "dispatch traced");
    expect(execution).toMatchObject({ traceId: TRACE, parentSpanId: PARENT });
    expect(dispatches).toHaveLength(2);
    for (const d of dispatches) expect(d).toMatchObject({ traceId: TRACE, parentSpanId: execution.spanId });
    expect(dispatches.map((d) => d.status?.code ?? 0)).toEqual([2, 0]); // first attempt failed (STATUS_CODE_ERROR)
    // Each attempt told the pod its own span as parent, in the caller's trace, with the caller's tracestate.
    expect(localPod.calls.map((c) => [c.traceparent, c.traceId, c.tracestate])).toEqual(
      dispatches.map((d) => [`00-${TRACE}-${d.spanId}-01`, TRACE, "v=1"]),
    );
  });

  test("without a caller trace a new trace starts, and the pod gets its traceparent and X-Trace-Id", async () => {
    const collector = startCollector();
    const localPod = startPod();
    const tracing = createOtlpTracing({
      endpoint: `${collector.url}/v1/traces`,
      serviceVersion: "test",
      scheduledDelayMillis: 20,
    });
    const cp = testControlPlane({}, { observer: tracing.observer });
    await cp.app.request("/v1/functions", jsonRequest("POST", flakyFn("fresh", localPod.url)));
    const { executionId } = await (
      await cp.app.request("/v1/functions/fresh:enqueue", jsonRequest("POST", { input: 1 }))
    ).json();
    while (cp.engine.execution(executionId)?.status !== "success") await Bun.sleep(5);
    await tracing.shutdown();
    collector.server.stop(true);
    localPod.server.stop(true);

    const execution = collector.spans.find((s) => s.name === "enqueue fresh")!;
    const dispatch = collector.spans.find((s) => s.name === "dispatch fresh")!;
    expect(execution.parentSpanId ?? "").toBe("");
    expect(localPod.calls).toEqual([
      {
        attempt: "1",
        traceId: execution.traceId,
        traceparent: `00-${execution.traceId}-${dispatch.spanId}-01`,
        tracestate: null,
      },
    ]);
  });
});
