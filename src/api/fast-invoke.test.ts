import { describe, expect, test } from "bun:test";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { jsonRequest, testControlPlane } from "../../test/support/control-plane";
import { FAST_PATH_EDGE_HOOKS } from "./fast-invoke";

/** Sends the same request through the fast path and through the plain app; both must agree. */
async function both(path: string, init: RequestInit) {
  const cp = testControlPlane();
  await cp.app.request("/v1/functions", jsonRequest("POST", { name: "echo", executionMode: "LOCAL", queueSize: 1 }));
  const url = `http://localhost${path}`;
  const fast = await cp.fetch(new Request(url, init));
  const plain = await cp.app.fetch(new Request(url, init));
  return { fast, plain, cp };
}

const strip = (body: Record<string, unknown>) => ({ ...body, executionId: typeof body.executionId });

describe("invoke fast path answers exactly like the app", () => {
  test.each([
    ["plain invoke", "/v1/functions/echo:invoke", jsonRequest("POST", { input: { a: 1 } })],
    ["enqueue", "/v1/functions/echo:enqueue", jsonRequest("POST", { input: 1 })],
    ["metadata", "/v1/functions/echo:invoke", jsonRequest("POST", { input: 1, metadata: { k: "v" } })],
    [
      "numeric metadata (coerced by the app)",
      "/v1/functions/echo:invoke",
      jsonRequest("POST", { input: 1, metadata: { k: 2 } }),
    ],
    ["null input", "/v1/functions/echo:invoke", jsonRequest("POST", { input: null })],
    ["missing input", "/v1/functions/echo:invoke", jsonRequest("POST", { metadata: {} })],
    ["array body", "/v1/functions/echo:invoke", jsonRequest("POST", [1])],
    ["malformed JSON", "/v1/functions/echo:invoke", jsonRequest("POST", "{")],
    ["unknown function", "/v1/functions/nope:invoke", jsonRequest("POST", { input: 1 })],
    ["timeout header ok", "/v1/functions/echo:invoke", jsonRequest("POST", { input: 1 }, { "x-timeout-ms": "500" })],
    ["timeout header 0", "/v1/functions/echo:invoke", jsonRequest("POST", { input: 1 }, { "x-timeout-ms": "0" })],
    ["timeout header text", "/v1/functions/echo:invoke", jsonRequest("POST", { input: 1 }, { "x-timeout-ms": "soon" })],
    [
      "timeout header too big",
      "/v1/functions/echo:invoke",
      jsonRequest("POST", { input: 1 }, { "x-timeout-ms": "900001" }),
    ],
    ["timeout header hex", "/v1/functions/echo:invoke", jsonRequest("POST", { input: 1 }, { "x-timeout-ms": "0x10" })],
    [
      "timeout header exponent",
      "/v1/functions/echo:invoke",
      jsonRequest("POST", { input: 1 }, { "x-timeout-ms": "1e3" }),
    ],
    ["timeout header sign", "/v1/functions/echo:invoke", jsonRequest("POST", { input: 1 }, { "x-timeout-ms": "+5" })],
    [
      "timeout header spaces",
      "/v1/functions/echo:invoke",
      jsonRequest("POST", { input: 1 }, { "x-timeout-ms": " 5 " }),
    ],
    [
      "timeout header ignored on enqueue",
      "/v1/functions/echo:enqueue",
      jsonRequest("POST", { input: 1 }, { "x-timeout-ms": "soon" }),
    ],
    [
      "raw numbers echoed",
      "/v1/functions/echo:invoke",
      jsonRequest("POST", '{"input":{"big":12345678901234567890,"f":7.0}}'),
    ],
    ["input overflowing to Infinity", "/v1/functions/echo:invoke", jsonRequest("POST", '{"input":1e999}')],
    [
      "input nested too deeply",
      "/v1/functions/echo:invoke",
      jsonRequest("POST", `{"input":${"[".repeat(300)}${"]".repeat(300)}}`),
    ],
    [
      "text body",
      "/v1/functions/echo:invoke",
      { method: "POST", headers: { "content-type": "text/plain" }, body: "x" },
    ],
  ])("%s", async (_, path, init) => {
    const { fast, plain } = await both(path, init);
    expect(fast.status).toBe(plain.status);
    expect(fast.headers.get("content-type")).toBe(plain.headers.get("content-type"));
    const [fastText, plainText] = [await fast.text(), await plain.text()];
    expect(strip(JSON.parse(fastText))).toEqual(strip(JSON.parse(plainText)));
    // Byte for byte apart from the execution id (raw user data is spliced, not re-serialised).
    const id = /"executionId":"[^"]*"/;
    expect(fastText.replace(id, "")).toBe(plainText.replace(id, ""));
  });

  test("idempotency keys and trace headers reach the engine on the fast path", async () => {
    const { cp } = await both("/v1/functions/echo:invoke", jsonRequest("POST", { input: 1 }));
    const init = jsonRequest("POST", { input: 1 }, { "idempotency-key": "k1" });
    const first = await (await cp.fetch(new Request("http://localhost/v1/functions/echo:invoke", init))).json();
    const again = await (await cp.fetch(new Request("http://localhost/v1/functions/echo:invoke", init))).json();
    expect(again.executionId).toBe(first.executionId);
  });

  test("a queue rejection carries the 429 headers on the fast path", async () => {
    const cp = testControlPlane();
    await cp.app.request(
      "/v1/functions",
      jsonRequest("POST", { name: "p", executionMode: "LOCAL", rateLimitPerSecond: 1 }),
    );
    const send = () =>
      cp.fetch(new Request("http://localhost/v1/functions/p:enqueue", jsonRequest("POST", { input: 1 })));
    const statuses = [(await send()).status];
    let rejected = await send();
    if (rejected.status === 202) rejected = await send(); // the first two may straddle a second boundary
    expect(statuses).toEqual([202]);
    expect(rejected.status).toBe(429);
    expect(rejected.headers.get("retry-after")).toBe("1");
    expect(rejected.headers.get("x-queue-reject-reason")).toBe("rate");
    expect((await rejected.json()).error).toBe("RATE_LIMITED");
  });

  test("requests it does not own go to the app", async () => {
    const cp = testControlPlane();
    const res = await cp.fetch(new Request("http://localhost/v1/functions"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });
});

/** Names of the app's middleware that run for `POST /v1/functions/{name}:invoke` (Hono lists them as ALL routes). */
function edgeHooksOf(app: OpenAPIHono): string[] {
  const covers = (pattern: string) =>
    pattern === "/*" || "/v1/functions/x/~invoke".startsWith(pattern.replace(/\*$/, ""));
  return app.routes.filter((r) => r.method === "ALL" && covers(r.path)).map((r) => r.handler.name || "(anonymous)");
}

describe("edge hooks", () => {
  test("the fast path declares every hook the app runs for an invocation", () => {
    expect(edgeHooksOf(testControlPlane().app).sort()).toEqual(Object.keys(FAST_PATH_EDGE_HOOKS).sort());
  });

  test("a hook added to the app is noticed (the check above would fail)", () => {
    const cp = testControlPlane(
      {},
      {
        extensions: [
          (app) =>
            void app.use("/v1/*", async function corsHeaders(_c, next) {
              await next();
            }),
        ],
      },
    );
    expect(edgeHooksOf(cp.app)).toContain("corsHeaders");
    expect(Object.keys(FAST_PATH_EDGE_HOOKS)).not.toContain("corsHeaders");
  });
});
