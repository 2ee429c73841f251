/**
 * API fuzzer (issue 13): every operation in openapi/openapi.json gets generated path parameters,
 * query strings, headers and bodies (schema-shaped, mutated, arbitrary JSON, raw text, wrong
 * content types); then a table of hand-made hostile requests. Whatever comes in, the answer is
 * never a 5xx and every non-2xx body is the error envelope with content-type application/json.
 * Fixed seed so a failure replays; fast-check prints the seed and the shrunk counterexample.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import doc from "../../openapi/openapi.json";
import { type Doc, mutatedOf, type Operation, operations, schemaValue } from "../support/openapi-arbitrary";
import { jsonRequest, testControlPlane } from "../support/control-plane";

const SEED = 1303;
const RUNS_PER_OPERATION = 400;
const MAX_BODY_BYTES = 128 * 1024; // small, yet above the 35 000-level (70 KB) deep body below
const FIXED_NAMES = ["echo", "pool"];

type Cp = ReturnType<typeof testControlPlane>;
/** (Re)registers the fixed functions; a fuzzed DELETE may have removed them (409 when present is fine). */
async function registerFixed(cp: Cp) {
  await cp.app.request("/v1/functions", jsonRequest("POST", { name: "echo", executionMode: "LOCAL" }));
  // Port 1 is closed: POOL invocations fail fast at connect, exercising the dispatch error path.
  await cp.app.request(
    "/v1/functions",
    jsonRequest("POST", {
      name: "pool",
      executionMode: "POOL",
      endpointUrl: "http://127.0.0.1:1/invoke",
      maxRetries: 1,
    }),
  );
}

async function setup() {
  const cp = testControlPlane({
    NANOFAAS_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    NANOFAAS_MAX_FUNCTIONS: "8",
    NANOFAAS_ADMIN_RUNTIME_CONFIG_ENABLED: "true",
  });
  await registerFixed(cp);
  const enqueued = await cp.app.request("/v1/functions/echo:enqueue", jsonRequest("POST", { input: "x" }));
  const executionId = ((await enqueued.json()) as { executionId: string }).executionId;
  const call = (path: string, init: RequestInit) => cp.fetch(new Request(`http://localhost${path}`, init));
  return { cp, call, executionId };
}

const isEnvelope = (body: Record<string, unknown>) =>
  typeof body.error === "string" &&
  /^[A-Z_]+$/.test(body.error) &&
  typeof body.message === "string" &&
  (body.details === undefined || Array.isArray(body.details)) &&
  Object.keys(body).every((k) => ["error", "message", "details"].includes(k));
// docs/differences.md row 30: the admin runtime-config routes keep the reference's `{"error": text}` / `{"errors": [...]}` bodies.
const isAdminReferenceShape = (body: Record<string, unknown>) =>
  typeof body.error === "string" || Array.isArray(body.errors);

/** Throws (so fast-check shrinks and reports) unless the response is a non-5xx, and an envelope when not 2xx. */
async function assertWellFormed(res: Response, what: string): Promise<void> {
  const text = await res.text();
  if (res.status >= 500) throw new Error(`${what} → ${res.status} ${text.slice(0, 300)}`);
  if (res.status < 300) return;
  const type = res.headers.get("content-type") ?? "";
  if (!type.startsWith("application/json")) throw new Error(`${what} → ${res.status} with content-type '${type}'`);
  const body = JSON.parse(text) as Record<string, unknown>;
  const admin = what.includes(" /v1/admin/runtime-config");
  const ok = typeof body === "object" && body !== null && (isEnvelope(body) || (admin && isAdminReferenceShape(body)));
  if (!ok) throw new Error(`${what} → ${res.status} not an error envelope: ${text.slice(0, 300)}`);
}

const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, "");
const pathValue = (known: string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known) },
    fc.string({ maxLength: 30 }),
    fc.string({ unit: "grapheme", maxLength: 20 }),
    fc.constantFrom("..", ".", "%", "a/b", "x:invoke", "a".repeat(5000), "\u0000", "😀".repeat(40)),
  );
const headerValue = fc.oneof(
  fc.constantFrom("0", "1", "100", "-1", "0x10", "1e3", "+5", " 5 ", "99999999999999999999", "abc", ""),
  fc.string({ maxLength: 30 }).map(printable),
);
const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "application/vnd.x+json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "",
  "multipart/form-data; boundary=x",
);

function bodyArb(op: Operation): fc.Arbitrary<string | undefined> {
  const schema = op.bodySchema;
  const shaped = schema ? [schemaValue(doc as Doc, schema), mutatedOf(doc as Doc, schema)] : [];
  return fc.oneof(
    ...shaped.map((arbitrary) => ({ weight: 4, arbitrary: arbitrary.map((v) => JSON.stringify(v)) })),
    fc.json({ maxDepth: 4 }),
    fc.string({ maxLength: 60 }),
    fc.constant(undefined),
  );
}

function requestArb(op: Operation, executionId: string) {
  const pathParams = op.params.filter((p) => p.in === "path").map((p) => p.name as string);
  const headerParams = op.params.filter((p) => p.in === "header").map((p) => p.name as string);
  return fc.record({
    path: fc.tuple(
      ...pathParams.map((n) =>
        pathValue(n === "executionId" ? [executionId, "00000000-0000-0000-0000-000000000000"] : FIXED_NAMES),
      ),
    ),
    headers: fc.record(Object.fromEntries(headerParams.map((h) => [h, headerValue])), { requiredKeys: [] }),
    query: fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 12 })), { maxLength: 3 }),
    body: bodyArb(op),
    contentType: fc.oneof({ weight: 4, arbitrary: fc.constant("application/json") }, contentType),
  });
}

function urlFor(op: Operation, values: string[], query: [string, string][]): string {
  let i = 0;
  const path = op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(values[i++] ?? ""));
  const qs = new URLSearchParams(query).toString();
  return qs ? `${path}?${qs}` : path;
}

describe("API fuzzing over openapi.json", () => {
  test("no operation answers 5xx or a non-envelope error, whatever the path, headers and body", async () => {
    const { call, cp, executionId } = await setup();
    const started = performance.now();
    let requests = 0;
    const byClass: Record<string, number> = {};
    for (const op of operations(doc as Doc)) {
      await fc.assert(
        fc.asyncProperty(requestArb(op, executionId), async (r) => {
          const headers: Record<string, string> = { ...(r.headers as Record<string, string>) };
          if (r.body !== undefined && r.contentType) headers["content-type"] = r.contentType;
          const url = urlFor(op, r.path, r.query);
          const res = await call(url, { method: op.method, headers, body: r.body });
          requests++;
          byClass[`${String(res.status)[0]}xx`] = (byClass[`${String(res.status)[0]}xx`] ?? 0) + 1;
          await assertWellFormed(res, `${op.method} ${url.slice(0, 200)}`);
          // Keep the registry bounded: anything the fuzzer managed to register goes again.
          if (op.method === "POST" && op.path === "/v1/functions" && res.status === 201) {
            const name = (JSON.parse(r.body as string) as { name: string }).name;
            if (!FIXED_NAMES.includes(name))
              await cp.app.request(`/v1/functions/${encodeURIComponent(name)}`, { method: "DELETE" });
          }
          if (op.method === "DELETE" && res.status < 300) await registerFixed(cp);
        }),
        { seed: SEED, numRuns: RUNS_PER_OPERATION, endOnFailure: false },
      );
    }
    console.log(
      `api-fuzz: ${requests} requests over ${operations(doc as Doc).length} operations, seed ${SEED}, ${Math.round(performance.now() - started)} ms`,
      byClass,
    );
    // Not vacuous: the generators reach both the success paths and the rejections.
    expect(byClass["2xx"] ?? 0).toBeGreaterThan(requests / 20);
    expect(byClass["4xx"] ?? 0).toBeGreaterThan(requests / 4);
  }, 60_000);
});

const deep = (levels: number) => `{"input":${"[".repeat(levels)}${"]".repeat(levels)}}`;
const json = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  jsonRequest(method, body, headers);
type Row = [string, string, RequestInit, number, ((res: Response) => void)?];
const HOSTILE: Row[] = [
  [
    "file: endpointUrl",
    "/v1/functions",
    json("POST", { name: "f1", executionMode: "POOL", endpointUrl: "file:///etc/passwd" }),
    400,
  ],
  ["name only (no mode)", "/v1/functions", json("POST", { name: "x" }), 400],
  [
    "minReplicas 2e9",
    "/v1/functions",
    json("POST", { name: "f2", image: "i", scalingConfig: { minReplicas: 2_000_000_000 } }),
    400,
  ],
  ["replicas 2500", "/v1/functions/echo/replicas", json("PUT", { replicas: 2500 }), 400],
  ["35 000-level deep body", "/v1/functions/echo:invoke", json("POST", deep(35_000)), 400],
  ["input 1e999", "/v1/functions/echo:invoke", json("POST", '{"input":1e999}'), 400],
  // " 5 " is not here: HTTP strips whitespace around header values (RFC 9110 OWS), so the app sees "5".
  ...["0x10", "1e3", "+5", "5 ms", "-1"].map(
    (t): Row => [
      `X-Timeout-Ms '${t}'`,
      "/v1/functions/echo:invoke",
      json("POST", { input: 1 }, { "x-timeout-ms": t }),
      400,
    ],
  ),
  [
    "PUT :invoke",
    "/v1/functions/echo:invoke",
    json("PUT", { input: 1 }),
    405,
    (res) => expect(res.headers.get("allow")).toBe("POST"),
  ],
  [
    "GET :complete",
    "/v1/internal/executions/x:complete",
    { method: "GET" },
    405,
    (res) => expect(res.headers.get("allow")).toBe("POST"),
  ],
  ["GET :complete under /v1/functions (no such route)", "/v1/functions/x:complete", { method: "GET" }, 404],
  ["body over the limit", "/v1/functions/echo:invoke", json("POST", { input: "x".repeat(MAX_BODY_BYTES) }), 413],
  // Methods the app has no route for. (Bun's Request turns a made-up token such as BREW into GET,
  // and Bun's server closes the connection on one, so a registered-but-unused method stands in.)
  ["unknown method", "/v1/functions", { method: "PROPFIND" }, 405],
  ["unknown method on :invoke", "/v1/functions/echo:invoke", { method: "MKCOL" }, 405],
  ["TRACE on an execution", "/v1/executions/x", { method: "TRACE" }, 4],
  ["text/plain body", "/v1/functions", { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" }, 415],
  ["NUL in the function name", "/v1/functions/%00:invoke", json("POST", { input: 1 }), 4],
  // The attempt fails, not the request: 200 with status FAILED (docs/api.md "Pod responses").
  [
    "invoke on a closed POOL port",
    "/v1/functions/pool:invoke",
    json("POST", { input: 1 }),
    2,
    (res) => expect(res.status).toBe(200),
  ],
];

describe("hand-made hostile requests", () => {
  // A loop, not test.each: bun would pass its `done` callback as the optional `extra`.
  for (const [label, path, init, expected, extra] of HOSTILE)
    test(`${label} → ${expected < 10 ? `${expected}xx` : expected}`, async () => {
      const { call } = await setup();
      const started = performance.now();
      const res = await call(path, init);
      const status = res.status;
      await assertWellFormed(res.clone(), `${init.method} ${path}`);
      if (expected < 10) expect(Math.floor(status / 100)).toBe(expected);
      else expect(status).toBe(expected);
      extra?.(res);
      expect(performance.now() - started).toBeLessThan(5000);
    });

  test("a forged :complete for a queued execution → 409 (never dispatched) or 204, never 5xx", async () => {
    const { call, executionId } = await setup();
    // Attempt 99 was never dispatched: docs/api.md "Runtime callbacks" answers 409, or 204 once finished.
    const forged = await call(
      `/v1/internal/executions/${executionId}:complete`,
      json("POST", { success: true, output: "forged" }, { "x-dispatch-attempt": "99" }),
    );
    expect([204, 409]).toContain(forged.status);
    await assertWellFormed(forged, "forged :complete");
    const unknown = await call("/v1/internal/executions/nope:complete", json("POST", { success: true }));
    expect(unknown.status).toBe(204);
  });
});
