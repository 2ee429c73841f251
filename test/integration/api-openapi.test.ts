import { describe, expect, test } from "bun:test";
import { openApiDocument } from "../../src/app";
import { buildOpenApiDocument } from "../../src/openapi-document";
import { jsonRequest, testControlPlane } from "../support/control-plane";

type Schema = { properties?: Record<string, unknown> };
type Doc = { paths: Record<string, Record<string, unknown>>; components?: { schemas?: Record<string, Schema> } };
/** The reference's API facts, kept in the repository (written by scripts/extract-reference-api.ts). */
const referenceFacts = async () =>
  (await Bun.file(new URL("../fixtures/reference-api.json", import.meta.url)).json()) as Doc;
const schemaOf = (doc: Doc, name: string): Schema => doc.components?.schemas?.[name] ?? {};
const operations = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((k) => ["get", "post", "put", "delete", "patch"].includes(k))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );

describe("OpenAPI document", () => {
  test("the committed openapi/openapi.json equals the generated one (run `just openapi`)", async () => {
    const committed = await Bun.file(new URL("../../openapi/openapi.json", import.meta.url)).json();
    expect(committed).toEqual(await buildOpenApiDocument());
  });

  test("is served at /openapi.json, publishes the colon-verb paths and no internal ones", async () => {
    const doc = (await openApiDocument(testControlPlane().app)) as Doc & { openapi: string };
    expect(doc.openapi).toBe("3.1.0");
    const ops = operations(doc);
    expect(ops).toContain("POST /v1/functions/{name}:invoke");
    expect(ops).toContain("POST /v1/functions/{name}:enqueue");
    expect(ops).toContain("POST /v1/internal/executions/{executionId}:complete");
    expect(ops.filter((op) => op.includes("~"))).toEqual([]);
  });

  // Generators (openapi-generator, docs/clients.md) name their methods after operationIds, and
  // the Python client's drift test pins the operations it covers by them.
  test("every operation has a unique camelCase operationId", async () => {
    const doc = (await openApiDocument(testControlPlane().app)) as Doc;
    const ids = Object.values(doc.paths).flatMap((item) =>
      Object.entries(item)
        .filter(([k]) => ["get", "post", "put", "delete", "patch"].includes(k))
        .map(([, op]) => (op as { operationId?: string }).operationId ?? "(none)"),
    );
    expect(ids.filter((id) => !/^[a-z][A-Za-z]+$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test("contains every operation of the reference's API document (test/fixtures/reference-api.json)", async () => {
    const ours = new Set(operations((await buildOpenApiDocument()) as Doc));
    const missing = operations(await referenceFacts()).filter((op) => !ours.has(op));
    expect(missing).toEqual([]);
  });

  test("has every field of the reference's function, invocation and execution bodies", async () => {
    const reference = await referenceFacts();
    const ours = (await buildOpenApiDocument()) as unknown as Doc;
    const missing = [
      "FunctionSpec",
      "FunctionResponse",
      "InvocationRequest",
      "InvocationResponse",
      "ExecutionStatus",
      "ErrorInfo",
    ].flatMap((name) =>
      Object.keys(schemaOf(reference, name).properties ?? {})
        .filter((field) => !(field in (schemaOf(ours, name).properties ?? {})))
        .map((field) => `${name}.${field}`),
    );
    expect(missing).toEqual([]);
  });

  test("documents 429 with Retry-After and X-Queue-Reject-Reason on :invoke", async () => {
    const doc = (await buildOpenApiDocument()) as Doc;
    const invoke = doc.paths["/v1/functions/{name}:invoke"]!.post as {
      responses: Record<string, { headers?: Record<string, unknown> }>;
    };
    expect(Object.keys(invoke.responses["429"]!.headers ?? {})).toEqual(["Retry-After", "X-Queue-Reject-Reason"]);
  });

  test("the API reference UI is served at /docs", async () => {
    const res = await testControlPlane().app.request("/docs");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("/openapi.json");
  });
});

describe("custom verbs (:invoke, :enqueue, :complete)", () => {
  const setup = async () => {
    const cp = testControlPlane();
    await cp.app.request("/v1/functions", jsonRequest("POST", { name: "my-fn-2", executionMode: "LOCAL" }));
    return cp;
  };

  test(":invoke routes to the function with dashes and digits in its name", async () => {
    const { app } = await setup();
    const res = await app.request("/v1/functions/my-fn-2:invoke", jsonRequest("POST", { input: { n: 1 } }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: "success", output: { n: 1 }, error: null });
    expect(res.headers.get("x-execution-id")).toBe(body.executionId);
  });

  test(":enqueue routes and answers 202 queued", async () => {
    const { app } = await setup();
    const res = await app.request("/v1/functions/my-fn-2:enqueue", jsonRequest("POST", { input: 1 }));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: "queued", output: null, error: null });
  });

  test("a percent-encoded colon is the same verb", async () => {
    const { app } = await setup();
    const res = await app.request("/v1/functions/my-fn-2%3Ainvoke", jsonRequest("POST", { input: 1 }));
    expect(res.status).toBe(200);
  });

  test("another method on a verb path → 405 with Allow: POST (a name cannot contain ':')", async () => {
    const { app } = await setup();
    for (const [method, path] of [
      ["GET", "/v1/functions/my-fn-2:invoke"],
      ["PUT", "/v1/functions/my-fn-2:invoke"],
      ["DELETE", "/v1/functions/my-fn-2:enqueue"],
      ["GET", "/v1/internal/executions/x:complete"],
    ] as const) {
      const res = await app.request(path, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("POST");
      expect(await res.json()).toEqual({
        error: "METHOD_NOT_ALLOWED",
        message: `Method ${method} is not allowed on ${path}; use POST`,
      });
    }
  });

  test("names with dots or extra colons are simply unknown functions", async () => {
    const { app } = await setup();
    for (const path of ["/v1/functions/my.fn:invoke", "/v1/functions/a:b:invoke", "/v1/functions/my.fn:enqueue"]) {
      const res = await app.request(path, jsonRequest("POST", { input: 1 }));
      expect(res.status).toBe(404);
    }
  });

  test("an unknown verb is not a route → 405 (the path exists for GET/DELETE)", async () => {
    const { app } = await setup();
    const res = await app.request("/v1/functions/my-fn-2:explode", jsonRequest("POST", { input: 1 }));
    expect(res.status).toBe(405);
  });

  test(":complete answers 204, also for unknown ids; bad JSON → 400", async () => {
    const { app } = await setup();
    const ok = await app.request(
      "/v1/internal/executions/unknown-id:complete",
      jsonRequest("POST", { success: true, output: 1 }),
    );
    expect(ok.status).toBe(204);
    const bad = await app.request("/v1/internal/executions/unknown-id:complete", jsonRequest("POST", "{"));
    expect(bad.status).toBe(400);
  });
});
