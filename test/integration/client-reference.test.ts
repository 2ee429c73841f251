/**
 * Compatibility: a client generated from the reference's own API document
 * (its facts in test/fixtures/reference-api.json → openapi/reference-client/schema.d.ts, committed)
 * registers, invokes, enqueues and polls against a live nanofaas. This is what an existing user's
 * generated client does, so a break here is a break for them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import createClient from "openapi-fetch";
import type { components, paths } from "../../openapi/reference-client/schema";

// The reference documents :invoke's 200 as JSON or octet-stream; JSON is what we ask for.
type InvocationResponse = components["schemas"]["InvocationResponse"];
import { type Served, serveControlPlane, testControlPlane } from "../support/control-plane";

let served: Served;
let pod: ReturnType<typeof Bun.serve>;
let client: ReturnType<typeof createClient<paths>>;

beforeAll(() => {
  // A POOL pod speaking the reference's pod contract: {"input","metadata"} in, raw JSON out.
  pod = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: async (req) => {
      const { input } = (await req.json()) as { input: { text: string } };
      return Response.json({ upper: input.text.toUpperCase(), executionId: req.headers.get("x-execution-id") });
    },
  });
  served = serveControlPlane(testControlPlane());
  client = createClient<paths>({ baseUrl: served.url });
});
afterAll(async () => {
  await served.stop();
  pod.stop(true);
});

/** Polls GET /v1/executions/{id} the way reference clients do, until a terminal state. */
async function poll(executionId: string) {
  for (let i = 0; i < 200; i++) {
    const { data } = await client.GET("/v1/executions/{executionId}", { params: { path: { executionId } } });
    if (data && ["success", "error", "timeout"].includes(data.status)) return data;
    await Bun.sleep(10);
  }
  throw new Error(`execution ${executionId} did not finish`);
}

describe("reference-generated client against nanofaas", () => {
  test("registers functions with the reference's required fields and reads them back", async () => {
    const pool = await client.POST("/v1/functions", {
      body: {
        name: "upper",
        image: "example/upper:1",
        executionMode: "POOL",
        endpointUrl: pod.url.href,
        timeoutMs: 5000,
        maxRetries: 1,
      },
    });
    expect(pool.response.status).toBe(201);
    expect(pool.data).toMatchObject({
      name: "upper",
      image: "example/upper:1",
      requestedExecutionMode: "POOL",
      effectiveExecutionMode: "POOL",
    });
    const local = await client.POST("/v1/functions", {
      body: { name: "echo", image: "unused", executionMode: "LOCAL" },
    });
    expect(local.response.status).toBe(201);
    const list = await client.GET("/v1/functions");
    expect(list.data?.map((f) => f.name)).toEqual(["echo", "upper"]);
    const got = await client.GET("/v1/functions/{name}", { params: { path: { name: "upper" } } });
    expect(got.data?.endpointUrl).toBe(pod.url.href);
    const dup = await client.POST("/v1/functions", { body: { name: "echo", image: "unused", executionMode: "LOCAL" } });
    expect(dup.response.status).toBe(409);
  });

  test("invokes synchronously with the reference's headers and gets X-Execution-Id", async () => {
    const sync = await client.POST("/v1/functions/{name}:invoke", {
      params: {
        path: { name: "upper" },
        header: { "Idempotency-Key": "k-1", "X-Trace-Id": "trace-1", "X-Timeout-Ms": 5000 },
      },
      body: { input: { text: "hello" }, metadata: { source: "reference-client" } },
    });
    const { response } = sync;
    const data = sync.data as InvocationResponse;
    expect(response.status).toBe(200);
    expect(data.status).toBe("success");
    expect(data.output).toEqual({ upper: "HELLO", executionId: data.executionId });
    expect(response.headers.get("X-Execution-Id")).toBe(data.executionId);
    // Same Idempotency-Key → the same execution, not a second one.
    const again = await client.POST("/v1/functions/{name}:invoke", {
      params: { path: { name: "upper" }, header: { "Idempotency-Key": "k-1" } },
      body: { input: { text: "hello" } },
    });
    expect((again.data as InvocationResponse).executionId).toBe(data.executionId);
  });

  test("enqueues (202 EnqueueResponse) and polls the execution to success", async () => {
    const { data, response } = await client.POST("/v1/functions/{name}:enqueue", {
      params: { path: { name: "upper" } },
      body: { input: { text: "later" } },
    });
    expect(response.status).toBe(202);
    // (Bun 1.4.5's toMatchObject writes asymmetric matchers into the received object: compare plainly.)
    const executionId = data!.executionId;
    expect(typeof executionId).toBe("string");
    expect(data!.status).toBe("queued");
    const done = await poll(executionId);
    expect(done).toMatchObject({ executionId, status: "success", output: { upper: "LATER" } });
    expect(typeof done.startedAt).toBe("string");
    expect(typeof done.finishedAt).toBe("string");
  });

  test("LOCAL echo: invoke and enqueue round-trip the input", async () => {
    const sync = await client.POST("/v1/functions/{name}:invoke", {
      params: { path: { name: "echo" } },
      body: { input: [1, "two"] },
    });
    expect(sync.data as InvocationResponse).toMatchObject({ status: "success", output: [1, "two"] });
    const queued = await client.POST("/v1/functions/{name}:enqueue", {
      params: { path: { name: "echo" } },
      body: { input: "x" },
    });
    expect((await poll(queued.data!.executionId)).output).toBe("x");
  });

  test("unknown function and execution → 404; delete → 204 then 404", async () => {
    const missing = await client.POST("/v1/functions/{name}:invoke", {
      params: { path: { name: "nope" } },
      body: { input: 1 },
    });
    expect(missing.response.status).toBe(404);
    const noExec = await client.GET("/v1/executions/{executionId}", { params: { path: { executionId: "nope" } } });
    expect(noExec.response.status).toBe(404);
    const deleted = await client.DELETE("/v1/functions/{name}", { params: { path: { name: "upper" } } });
    expect(deleted.response.status).toBe(204);
    const gone = await client.GET("/v1/functions/{name}", { params: { path: { name: "upper" } } });
    expect(gone.response.status).toBe(404);
  });
});
