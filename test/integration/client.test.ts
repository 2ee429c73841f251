/**
 * The generated nanofaas client (openapi/client) against a live control plane on an ephemeral
 * port. Every response the client sees is checked against openapi/openapi.json: its status must be
 * documented for that operation, and the headers the document promises must be present — so a
 * status or header the server emits but the document omits fails here.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Middleware } from "openapi-fetch";
import { backpressureOf, createNanofaasClient, isTerminal, type NanofaasClient } from "../../openapi/client";
import { render, TARGETS } from "../../openapi/client/generate";
import { type Served, serveControlPlane, testControlPlane } from "../support/control-plane";

type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>>;
};
const doc = (await Bun.file(new URL("../../openapi/openapi.json", import.meta.url)).json()) as Doc;

/** Each response: is its status documented, and does it carry the documented headers? */
const seen: { op: string; status: number; problems: string[] }[] = [];
const conformance: Middleware = {
  onResponse({ request, response, schemaPath }) {
    const op = `${request.method} ${schemaPath}`;
    const documented = doc.paths[schemaPath]?.[request.method.toLowerCase()]?.responses[String(response.status)];
    const problems = documented
      ? Object.keys(documented.headers ?? {})
          .filter((h) => !response.headers.has(h))
          .map((h) => `missing header ${h}`)
      : ["status not documented"];
    seen.push({ op, status: response.status, problems });
  },
};

let served: Served;
let pod: ReturnType<typeof Bun.serve>;
let client: NanofaasClient;

beforeAll(() => {
  // A tiny POOL pod: answers {"echo": input, "trace": X-Trace-Id} so dispatch is really exercised.
  pod = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: async (req) =>
      Response.json({ echo: ((await req.json()) as { input: unknown }).input, trace: req.headers.get("x-trace-id") }),
  });
  served = serveControlPlane(testControlPlane());
  client = createNanofaasClient(`${served.url}/`);
  client.use(conformance);
});
afterAll(async () => {
  await served.stop();
  pod.stop(true);
});

describe("generated client: drift", () => {
  for (const target of TARGETS) {
    test(`openapi/${target.out.split("/openapi/")[1]} is what \`just client\` generates now`, async () => {
      expect(await Bun.file(target.out).text()).toBe(await render(target));
    });
  }
});

describe("generated client against a live control plane", () => {
  test("register (LOCAL and POOL) → list → get", async () => {
    const local = await client.POST("/v1/functions", { body: { name: "echo", executionMode: "LOCAL" } });
    expect(local.response.status).toBe(201);
    expect(local.data?.effectiveExecutionMode).toBe("LOCAL");
    const pool = await client.POST("/v1/functions", {
      body: { name: "pod", executionMode: "POOL", endpointUrl: pod.url.href, rateLimitPerSecond: 1 },
    });
    expect(pool.data?.endpointUrl).toBe(pod.url.href);
    const list = await client.GET("/v1/functions");
    expect(list.data?.map((f) => f.name)).toEqual(["echo", "pod"]);
    const got = await client.GET("/v1/functions/{name}", { params: { path: { name: "echo" } } });
    expect(got.data?.name).toBe("echo");
  });

  test("invoke returns the outcome and X-Execution-Id; headers reach the pod", async () => {
    const { data, response } = await client.POST("/v1/functions/{name}:invoke", {
      params: { path: { name: "pod" }, header: { "x-trace-id": "t-1", "x-timeout-ms": 5000 } },
      body: { input: { n: 1 } },
    });
    expect(data).toMatchObject({ status: "success", output: { echo: { n: 1 }, trace: "t-1" }, error: null });
    expect(response.headers.get("x-execution-id")).toBe(data!.executionId);
  });

  test("enqueue → 202 queued, then poll the execution to success", async () => {
    const queued = await client.POST("/v1/functions/{name}:enqueue", {
      params: { path: { name: "echo" } },
      body: { input: [1, 2] },
    });
    expect(queued.response.status).toBe(202);
    expect(queued.data?.status).toBe("queued");
    let status = await client.GET("/v1/executions/{executionId}", {
      params: { path: { executionId: queued.data!.executionId } },
    });
    for (let i = 0; i < 100 && !isTerminal(status.data!.status); i++) {
      await Bun.sleep(10);
      status = await client.GET("/v1/executions/{executionId}", {
        params: { path: { executionId: queued.data!.executionId } },
      });
    }
    expect(status.data).toMatchObject({ status: "success", output: [1, 2], error: null });
    expect(status.data?.finishedAt).toEqual(expect.any(String));
  });

  test("errors arrive typed in the envelope: 404, 409, 400 with details", async () => {
    const missing = await client.GET("/v1/functions/{name}", { params: { path: { name: "nope" } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toEqual({ error: "NOT_FOUND", message: "Function 'nope' not found" });
    const dup = await client.POST("/v1/functions", { body: { name: "echo", executionMode: "LOCAL" } });
    expect(dup.error?.error).toBe("CONFLICT");
    const invalid = await client.POST("/v1/functions", { body: { name: "_bad", timeoutMs: 0 } });
    expect(invalid.response.status).toBe(400);
    expect(invalid.error?.details?.map((d) => String(d).split(":")[0]).sort()).toEqual(["name", "timeoutMs"]);
    const noExecution = await client.GET("/v1/executions/{executionId}", { params: { path: { executionId: "nope" } } });
    expect(noExecution.error?.error).toBe("NOT_FOUND");
  });

  test("a rate-limited invoke → 429 with Retry-After and X-Queue-Reject-Reason", async () => {
    const call = () =>
      client.POST("/v1/functions/{name}:invoke", { params: { path: { name: "pod" } }, body: { input: 1 } });
    const results = [await call(), await call(), await call()];
    const rejected = results.find((r) => r.response.status === 429);
    expect(rejected?.error?.error).toBe("RATE_LIMITED");
    expect(backpressureOf(rejected!.response)).toEqual({ retryAfterSeconds: expect.any(Number), reason: "rate" });
  });

  test("delete → 204, then the function is gone", async () => {
    const deleted = await client.DELETE("/v1/functions/{name}", { params: { path: { name: "echo" } } });
    expect(deleted.response.status).toBe(204);
    const again = await client.DELETE("/v1/functions/{name}", { params: { path: { name: "echo" } } });
    expect(again.response.status).toBe(404);
  });

  test("every response above is described by the document (status and headers)", () => {
    expect(seen.length).toBeGreaterThan(15);
    expect(seen.filter((s) => s.problems.length > 0)).toEqual([]);
    // The check must have covered the interesting statuses, or it proves little.
    expect(new Set(seen.map((s) => s.status))).toEqual(new Set([200, 201, 202, 204, 400, 404, 409, 429]));
  });
});
