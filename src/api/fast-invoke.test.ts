import { describe, expect, test } from "bun:test";
import { jsonRequest, testControlPlane } from "../../test/support/control-plane";

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
    ["numeric metadata (coerced by the app)", "/v1/functions/echo:invoke", jsonRequest("POST", { input: 1, metadata: { k: 2 } })],
    ["null input", "/v1/functions/echo:invoke", jsonRequest("POST", { input: null })],
    ["missing input", "/v1/functions/echo:invoke", jsonRequest("POST", { metadata: {} })],
    ["array body", "/v1/functions/echo:invoke", jsonRequest("POST", [1])],
    ["malformed JSON", "/v1/functions/echo:invoke", jsonRequest("POST", "{")],
    ["unknown function", "/v1/functions/nope:invoke", jsonRequest("POST", { input: 1 })],
    ["timeout header ok", "/v1/functions/echo:invoke", jsonRequest("POST", { input: 1 }, { "x-timeout-ms": "500" })],
    ["timeout header 0", "/v1/functions/echo:invoke", jsonRequest("POST", { input: 1 }, { "x-timeout-ms": "0" })],
    ["timeout header text", "/v1/functions/echo:invoke", jsonRequest("POST", { input: 1 }, { "x-timeout-ms": "soon" })],
    ["timeout header too big", "/v1/functions/echo:invoke", jsonRequest("POST", { input: 1 }, { "x-timeout-ms": "900001" })],
    ["text body", "/v1/functions/echo:invoke", { method: "POST", headers: { "content-type": "text/plain" }, body: "x" }],
  ])("%s", async (_, path, init) => {
    const { fast, plain } = await both(path, init);
    expect(fast.status).toBe(plain.status);
    expect(fast.headers.get("content-type")).toBe(plain.headers.get("content-type"));
    expect(strip(await fast.json())).toEqual(strip(await plain.json()));
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
    await cp.app.request("/v1/functions", jsonRequest("POST", { name: "p", executionMode: "LOCAL", rateLimitPerSecond: 1 }));
    const send = () => cp.fetch(new Request("http://localhost/v1/functions/p:enqueue", jsonRequest("POST", { input: 1 })));
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
