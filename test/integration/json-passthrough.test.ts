/**
 * User data passes through byte-exact (issue 15.2) and JSON nesting is bounded wherever JSON enters
 * (issue 13.4): a real listening control plane and a real pod that answers with fixed text.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { jsonRequest, type Served, serveControlPlane, testControlPlane } from "../support/control-plane";
import { until } from "../support/until";

const EXACT = '{"big":12345678901234567890,"f":7.0,"exp":1.5e3}';
const deep = (levels: number) => "[".repeat(levels) + "]".repeat(levels);

let answer = EXACT;
const received: string[] = [];
let pod: ReturnType<typeof Bun.serve>;
let served: Served;

beforeAll(async () => {
  pod = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: async (request) => {
      received.push(await request.text());
      return new Response(answer, { headers: { "content-type": "application/json" } });
    },
  });
  served = serveControlPlane(testControlPlane({ NANOFAAS_MAX_JSON_DEPTH: "64" }));
  for (const name of ["pool", "async"]) {
    await fetch(
      `${served.url}/v1/functions`,
      jsonRequest("POST", {
        name,
        executionMode: "POOL",
        endpointUrl: `http://127.0.0.1:${pod.port}/invoke`,
        maxRetries: 1,
      }),
    );
  }
  await fetch(`${served.url}/v1/functions`, jsonRequest("POST", { name: "echo", executionMode: "LOCAL" }));
});

afterAll(async () => {
  await served.stop();
  await pod.stop(true);
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${served.url}${path}`, jsonRequest("POST", body, headers));
const execution = async (id: string) => (await fetch(`${served.url}/v1/executions/${id}`)).text();

describe("numbers pass through byte-exact", () => {
  test("a pod's answer comes back from :invoke and GET /v1/executions/{id} as sent", async () => {
    answer = EXACT;
    const res = await post("/v1/functions/pool:invoke", '{"input":1}');
    const text = await res.text();
    expect(text).toContain(`"output":${EXACT}`);
    expect(await execution(res.headers.get("x-execution-id")!)).toContain(`"output":${EXACT}`);
  });

  test("the input reaches the pod byte-exact, through the fast path and through the app", async () => {
    answer = "null";
    received.length = 0;
    const input = '{"n":12345678901234567890,"f":7.0,"e":1.5e3, "s":"\\u00e9"}';
    await post("/v1/functions/pool:invoke", `{"input": ${input}, "metadata":{"k":1}}`);
    await post("/v1/functions/pool:invoke", `{"input": ${input}}`, {
      "content-type": "application/json;charset=UTF-8",
    });
    expect(received).toEqual([`{"input":${input},"metadata":{"k":"1"}}`, `{"input":${input},"metadata":null}`]);
  });

  test("an enqueued execution keeps the output exact too", async () => {
    answer = EXACT;
    const queued = await (await post("/v1/functions/async:enqueue", '{"input":1}')).json();
    await until(
      async () => (await execution(queued.executionId)).includes('"status":"success"'),
      "the execution to succeed",
    );
    expect(await execution(queued.executionId)).toContain(`"output":${EXACT}`);
  });

  test("LOCAL echoes the input exactly", async () => {
    const text = await (await post("/v1/functions/echo:invoke", '{"input":[1.0,2e2,-0]}')).text();
    expect(text).toContain('"output":[1.0,2e2,-0]');
  });
});

describe("JSON depth is bounded", () => {
  test("a request deeper than NANOFAAS_MAX_JSON_DEPTH → 400 naming the limit, quickly", async () => {
    const body = `{"input":${deep(35_000)}}`;
    for (const path of ["/v1/functions/echo:invoke", "/v1/functions/echo:enqueue", "/v1/functions"]) {
      const res = await post(path, body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        error: "BAD_REQUEST",
        message: expect.stringContaining("limit of 64 (NANOFAAS_MAX_JSON_DEPTH)"),
      });
    }
  });

  test("a pod answer deeper than the limit ends the execution with an error, not a 500", async () => {
    answer = deep(35_000);
    const res = await post("/v1/functions/pool:invoke", '{"input":1}');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: "error", error: { code: "POOL_ERROR" } });
    expect(body.error.message).toContain("NANOFAAS_MAX_JSON_DEPTH");
    expect((await fetch(`${served.url}/v1/executions/${body.executionId}`)).status).toBe(200);
  });

  test("an input at the limit is served, and GET /v1/executions/{id} answers 200", async () => {
    const input = deep(63);
    const queued = await (await post("/v1/functions/echo:enqueue", `{"input":${input}}`)).json();
    await until(
      async () => (await execution(queued.executionId)).includes('"status":"success"'),
      "the execution to succeed",
    );
    const res = await fetch(`${served.url}/v1/executions/${queued.executionId}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`"output":${input}`);
  });

  test("a callback deeper than the limit → 400; its execution is untouched", async () => {
    const queued = await (await post("/v1/functions/echo:enqueue", '{"input":1}')).json();
    const res = await post(
      `/v1/internal/executions/${queued.executionId}:complete`,
      `{"success":true,"output":${deep(35_000)}}`,
    );
    expect(res.status).toBe(400);
    expect((await res.json()).message).toContain("NANOFAAS_MAX_JSON_DEPTH");
  });
});
