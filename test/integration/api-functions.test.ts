import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { jsonRequest, type Served, serveControlPlane, testControlPlane } from "../support/control-plane";

const register = (app: ReturnType<typeof testControlPlane>["app"], spec: unknown) =>
  app.request("/v1/functions", jsonRequest("POST", spec));

describe("function registry over app.request()", () => {
  test("register → 201 with the resolved spec, then get and list", async () => {
    const { app } = testControlPlane();
    const res = await register(app, { name: "echo", image: "img", executionMode: "LOCAL", timeoutMs: 1000 });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({
      name: "echo",
      timeoutMs: 1000,
      concurrency: 4,
      queueSize: 100,
      maxRetries: 3,
      effectiveExecutionMode: "LOCAL",
    });
    expect((await app.request("/v1/functions/echo")).status).toBe(200);
    await register(app, { name: "alpha", executionMode: "LOCAL" });
    const list = await (await app.request("/v1/functions")).json();
    expect(list.map((f: { name: string }) => f.name)).toEqual(["alpha", "echo"]);
  });

  test("registering an existing name → 409 CONFLICT and nothing changes", async () => {
    const { app } = testControlPlane();
    await register(app, { name: "echo", executionMode: "LOCAL", timeoutMs: 1000 });
    const res = await register(app, { name: "echo", executionMode: "LOCAL", timeoutMs: 2000 });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      error: "CONFLICT",
      message: expect.stringMatching(/^Function 'echo' already exists\. To change it, update it in place \(PUT/),
    });
    expect((await (await app.request("/v1/functions/echo")).json()).timeoutMs).toBe(1000);
  });

  test("unknown name → 404 in the envelope", async () => {
    const { app } = testControlPlane();
    const res = await app.request("/v1/functions/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toEqual({ error: "NOT_FOUND", message: "Function 'nope' not found" });
    expect((await app.request("/v1/functions/nope", { method: "DELETE" })).status).toBe(404);
  });

  test("delete → 204, then 404", async () => {
    const { app } = testControlPlane();
    await register(app, { name: "echo", executionMode: "LOCAL" });
    const res = await app.request("/v1/functions/echo", { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect((await app.request("/v1/functions/echo")).status).toBe(404);
  });

  test("validation lists every offending field and registers nothing", async () => {
    const { app } = testControlPlane();
    const res = await register(app, {
      name: "Bad Name",
      timeoutMs: 0,
      concurrency: 10_001,
      queueSize: 0,
      executionMode: "JOB",
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toBe("VALIDATION_ERROR");
    const fields = body.details.map((d: string) => d.split(":")[0]);
    expect(fields.sort()).toEqual(["concurrency", "executionMode", "name", "queueSize", "timeoutMs"]);
    expect(await (await app.request("/v1/functions")).json()).toEqual([]);
  });

  test("name of 64 characters is rejected, 63 accepted", async () => {
    const { app } = testControlPlane();
    expect((await register(app, { name: "a".repeat(64), executionMode: "LOCAL" })).status).toBe(400);
    expect((await register(app, { name: "a".repeat(63), executionMode: "LOCAL" })).status).toBe(201);
  });

  test("POOL without endpointUrl → 400 at registration (SPEC §1.8)", async () => {
    const { app } = testControlPlane();
    const res = await register(app, { name: "p", executionMode: "POOL" });
    expect(res.status).toBe(400);
    expect((await res.json()).details).toEqual(["endpointUrl: is required when executionMode is POOL"]);
  });

  test("DEPLOYMENT without a backend: 400 without endpointUrl (it can never run as sent), degraded POOL with one", async () => {
    const { app } = testControlPlane();
    const refused = await register(app, { name: "d" });
    expect(refused.status).toBe(400);
    expect((await refused.json()).details[0]).toBe(
      "executionMode: No managed deployment provider available for function 'd' (NANOFAAS_DEPLOYMENT_BACKEND=none)",
    );
    const degraded = await register(app, { name: "d", endpointUrl: "http://127.0.0.1:9/invoke" });
    expect(degraded.status).toBe(201);
    expect(await degraded.json()).toMatchObject({
      requestedExecutionMode: "DEPLOYMENT",
      effectiveExecutionMode: "POOL",
      degradationReason: "No managed deployment provider available for function 'd' (NANOFAAS_DEPLOYMENT_BACKEND=none)",
      endpointUrl: "http://127.0.0.1:9/invoke",
    });
  });

  test("REMOTE without the k8s backend → 400 with a clear message", async () => {
    const { app } = testControlPlane();
    const res = await register(app, { name: "j", image: "img", executionMode: "REMOTE" });
    expect(res.status).toBe(400);
    expect((await res.json()).details[0]).toContain("REMOTE needs the k8s deployment backend");
  });

  test("replicas: validation 400, unknown 404, non-DEPLOYMENT 400", async () => {
    const { app } = testControlPlane();
    await register(app, { name: "echo", executionMode: "LOCAL" });
    const bad = await app.request("/v1/functions/echo/replicas", jsonRequest("PUT", { replicas: -1 }));
    expect(bad.status).toBe(400);
    expect((await bad.json()).details).toEqual(["replicas: must be greater than or equal to 0"]);
    const missing = await app.request("/v1/functions/echo/replicas", jsonRequest("PUT", {}));
    expect((await missing.json()).details[0]).toStartWith("replicas:");
    expect((await app.request("/v1/functions/nope/replicas", jsonRequest("PUT", { replicas: 1 }))).status).toBe(404);
    const notDeployment = await app.request("/v1/functions/echo/replicas", jsonRequest("PUT", { replicas: 1 }));
    expect(notDeployment.status).toBe(400);
    expect(await notDeployment.json()).toEqual({
      error: "BAD_REQUEST",
      message: "Function 'echo' is not in DEPLOYMENT mode",
    });
  });
});

describe("request edge cases", () => {
  const { app } = testControlPlane({ NANOFAAS_MAX_BODY_BYTES: "1024" });

  test("malformed JSON → 400 BAD_REQUEST", async () => {
    const res = await app.request("/v1/functions", jsonRequest("POST", "{nope"));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "BAD_REQUEST", message: "Malformed JSON request body" });
  });

  test("empty body → 400", async () => {
    const res = await app.request("/v1/functions", jsonRequest("POST", ""));
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe("Request body is missing");
  });

  test.each([["text/plain"], ["application/octet-stream"], [undefined]])("Content-Type %p → 415", async (type) => {
    const headers: Record<string, string> = type ? { "content-type": type } : {};
    const res = await app.request("/v1/functions", { method: "POST", headers, body: '{"name":"x"}' });
    expect(res.status).toBe(415);
    expect((await res.json()).error).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  test("application/*+json is accepted", async () => {
    const res = await app.request("/v1/functions", {
      method: "POST",
      headers: { "content-type": "application/vnd.nanofaas+json; charset=utf-8" },
      body: JSON.stringify({ name: "plus", executionMode: "LOCAL" }),
    });
    expect(res.status).toBe(201);
  });

  test("over the body limit → 413", async () => {
    const res = await app.request("/v1/functions", jsonRequest("POST", { name: "big", env: { X: "y".repeat(2000) } }));
    expect(res.status).toBe(413);
    expect((await res.json()).error).toBe("PAYLOAD_TOO_LARGE");
  });

  test("unknown route → 404, wrong method → 405 with Allow", async () => {
    const unknown = await app.request("/v2/nothing");
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toBe("NOT_FOUND");
    const wrong = await app.request("/v1/functions", { method: "PUT" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, POST");
    expect((await wrong.json()).error).toBe("METHOD_NOT_ALLOWED");
  });

  test("an unexpected exception is a 500 envelope without a stack trace", async () => {
    const cp = testControlPlane();
    cp.functions.list = () => {
      throw new Error("secret internals at /src/x.ts:1");
    };
    const res = await cp.app.request("/v1/functions");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: "INTERNAL_ERROR", message: "An unexpected error occurred" });
  });
});

describe("through a real listening server", () => {
  let served: Served;
  beforeAll(() => {
    served = serveControlPlane(testControlPlane());
  });
  afterAll(() => served.stop());

  test("register, get, list, delete over HTTP", async () => {
    const created = await fetch(
      `${served.url}/v1/functions`,
      jsonRequest("POST", { name: "web-echo", executionMode: "LOCAL" }),
    );
    expect(created.status).toBe(201);
    expect((await fetch(`${served.url}/v1/functions/web-echo`)).status).toBe(200);
    expect((await (await fetch(`${served.url}/v1/functions`)).json()).length).toBe(1);
    expect((await fetch(`${served.url}/v1/functions/web-echo`, { method: "DELETE" })).status).toBe(204);
    expect((await fetch(`${served.url}/v1/functions/web-echo`)).status).toBe(404);
  });

  test("an oversized body over the wire → 413", async () => {
    const small = serveControlPlane(testControlPlane({ NANOFAAS_MAX_BODY_BYTES: "512" }));
    try {
      const res = await fetch(
        `${small.url}/v1/functions`,
        jsonRequest("POST", { name: "x", env: { a: "b".repeat(4096) } }),
      );
      expect(res.status).toBe(413);
    } finally {
      await small.stop();
    }
  });
});
