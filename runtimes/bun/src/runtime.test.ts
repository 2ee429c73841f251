import { describe, expect, test } from "bun:test";
import { createRuntime } from "./runtime.ts";
import { FunctionError, type Handler } from "./sdk.ts";
import { loadSettings } from "./settings.ts";

function setup(handler: Handler, env: Record<string, string> = {}) {
  const lines: string[] = [];
  const callbacks: { url: string; body: unknown }[] = [];
  const runtime = createRuntime({
    handler,
    settings: loadSettings(env),
    initDurationMs: 12.6,
    write: (line) => lines.push(line),
    fetch: async (url, init) => {
      callbacks.push({ url, body: JSON.parse(String(init.body)) });
      return new Response(null, { status: 204 });
    },
    sleep: async () => {},
  });
  const invoke = (body: unknown, headers: Record<string, string> = { "X-Execution-Id": "e1" }) =>
    runtime.handle(
      new Request("http://pod/invoke", {
        method: "POST",
        headers,
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    );
  return { runtime, invoke, lines, callbacks };
}

describe("runtime", () => {
  test("the handler gets input and metadata; its value is the body", async () => {
    const { invoke } = setup(async ({ input, metadata }) => ({ input, metadata }));
    const res = await invoke({ input: [1], metadata: { k: "v" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ input: [1], metadata: { k: "v" } });
  });

  test("exactly one of many concurrent successes carries the cold-start headers, after a failed first call", async () => {
    let calls = 0;
    const { invoke, runtime } = setup(async () => {
      if (++calls === 1) throw new Error("first fails");
      await Bun.sleep(5);
      return calls;
    });
    const first = await invoke({ input: 1 });
    expect(first.status).toBe(500);
    expect(first.headers.get("X-Cold-Start")).toBeNull();
    const replies = await Promise.all(Array.from({ length: 10 }, () => invoke({ input: 1 })));
    const cold = replies.filter((r) => r.headers.get("X-Cold-Start") === "true");
    expect(cold).toHaveLength(1);
    expect(cold[0]!.headers.get("X-Init-Duration-Ms")).toBe("13");
    expect(runtime.metrics.render()).toContain("runtime_cold_start_total 1");
  });

  test("ctx.isColdStart is true for the first invocation only", async () => {
    const { invoke } = setup(async (_req, ctx) => ctx.isColdStart);
    expect(await (await invoke({ input: 1 })).json()).toBe(true);
    expect(await (await invoke({ input: 1 })).json()).toBe(false);
  });

  test("ctx.logger stamps lines with the invocation's ids", async () => {
    const { invoke, lines } = setup(async (_req, ctx) => ctx.logger.info("inside", { n: 1 }), { FUNCTION_NAME: "fn" });
    await invoke({ input: 1 }, { "X-Execution-Id": "e9", "X-Trace-Id": "t9" });
    expect(lines.map((l) => JSON.parse(l))).toContainEqual(
      expect.objectContaining({ message: "inside", n: 1, executionId: "e9", traceId: "t9", function: "fn" }),
    );
  });

  test("metrics count successes, failures and timeouts", async () => {
    const { invoke, runtime } = setup(
      async ({ input }) => {
        if (input === "fail") throw new FunctionError("X", "x");
        if (input === "slow") await Bun.sleep(200);
        return input;
      },
      { TIMEOUT_MS: "20" },
    );
    await invoke({ input: "ok" });
    await invoke({ input: "fail" });
    expect((await invoke({ input: "slow" })).status).toBe(504);
    const text = runtime.metrics.render();
    expect(text).toContain('runtime_invocations_total{success="true"} 1');
    expect(text).toContain('runtime_invocations_total{success="false"} 2');
    expect(text).toContain("runtime_timeouts_total 1");
    expect(text).toContain("runtime_in_flight 0");
  });

  test("a rejected body is reported by callback; a missing execution id is not", async () => {
    const { invoke, runtime, callbacks } = setup(async () => 1, { CALLBACK_URL: "http://cp/cb" });
    expect((await invoke("{not json")).status).toBe(400);
    expect((await invoke({ input: 1 }, {})).status).toBe(400);
    await runtime.flushCallbacks();
    expect(callbacks).toEqual([
      {
        url: "http://cp/cb/e1:complete",
        body: {
          success: false,
          output: null,
          error: { code: "INVALID_JSON", message: "Request body must be valid JSON" },
        },
      },
    ]);
  });

  test("while draining, a request that arrives is still served, on a closing connection; /health is 503", async () => {
    const { invoke, runtime } = setup(async () => 1);
    runtime.startDraining();
    const res = await invoke({ input: 1 });
    expect(res.status).toBe(200);
    expect(res.headers.get("Connection")).toBe("close");
    expect(await res.json()).toBe(1);
    const health = await runtime.handle(new Request("http://pod/health"));
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: "draining" });
  });

  test.each([
    ["GET", "/invoke"],
    ["POST", "/health"],
    ["GET", "/"],
  ])("%s %s is a JSON 404", async (method, path) => {
    const { runtime } = setup(async () => 1);
    const res = await runtime.handle(new Request(`http://pod${path}`, { method }));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "NOT_FOUND", message: "Endpoint not found" } });
  });
});
