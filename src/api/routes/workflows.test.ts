/**
 * Workflows through the API on a real control plane (LOCAL echo functions, memory store): create,
 * get, replace (version + 1), list, invalid definitions → 400 with details, :run → 202 and the run
 * via GET, :invoke → 200, run list filters, cancel of an ended run → 409, unknown → 404.
 */
import { expect, test } from "bun:test";
import { jsonRequest, testControlPlane } from "../../../test/support/control-plane";

const post = (body: unknown) => jsonRequest("POST", body);
// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in these tests
type Body = Record<string, any>;
const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Body });

async function setUp() {
  const cp = testControlPlane();
  for (const name of ["extract", "transform"]) {
    expect((await cp.app.request("/v1/functions", post({ name, executionMode: "LOCAL" }))).status).toBe(201);
  }
  return cp;
}

const pipeline = {
  name: "pipe",
  steps: [
    { id: "extract", function: "extract", input: { rows: "$.input.rows", tag: "$$raw" } },
    { id: "transform", function: "transform", dependsOn: ["extract"], when: "$.steps.extract.output.tag == '$raw'" },
  ],
  output: { rows: "$.steps.transform.output.rows" },
};

test("definitions: create (version 1), get, replace (version 2), list, delete", async () => {
  const cp = await setUp();
  const created = await json(await cp.app.request("/v1/workflows", post(pipeline)));
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ name: "pipe", version: 1 });
  expect((await cp.app.request("/v1/workflows", post(pipeline))).status).toBe(409);
  const replaced = await json(
    await cp.app.request("/v1/workflows/pipe", jsonRequest("PUT", { ...pipeline, timeoutMs: 5000 })),
  );
  expect(replaced.body).toMatchObject({ version: 2, timeoutMs: 5000 });
  expect((await json(await cp.app.request("/v1/workflows/pipe"))).body.version).toBe(2);
  expect((await json(await cp.app.request("/v1/workflows"))).body.items.map((w: { name: string }) => w.name)).toEqual([
    "pipe",
  ]);
  expect((await cp.app.request("/v1/workflows/pipe", { method: "DELETE" })).status).toBe(204);
  expect((await json(await cp.app.request("/v1/workflows/pipe"))).body.error).toBe("NOT_FOUND");
});

test("invalid definitions → 400 VALIDATION_ERROR with details naming the step", async () => {
  const cp = await setUp();
  const cyclic = {
    name: "bad",
    steps: [
      { id: "a", function: "extract", dependsOn: ["b"] },
      { id: "b", function: "ghost", dependsOn: ["a", "zz"], when: "$.input.x ==" },
    ],
  };
  const res = await json(await cp.app.request("/v1/workflows", post(cyclic)));
  expect(res.status).toBe(400);
  expect(res.body.error).toBe("VALIDATION_ERROR");
  expect(res.body.details).toEqual([
    "steps.b: function 'ghost' does not exist",
    "steps.b: dependsOn names 'zz', which is not a step",
    "steps.a: dependency cycle a → b → a",
    "steps.b.when: '$.input.x ==': expected a value at the end",
  ]);
  const shape = await json(await cp.app.request("/v1/workflows", post({ name: "Bad Name", steps: [] })));
  expect(shape.status).toBe(400);
  expect(shape.body.error).toBe("VALIDATION_ERROR");
});

test(":run → 202 and GET shows each step; :invoke → 200 with the output; runs list filters; cancel of an ended run → 409", async () => {
  const cp = await setUp();
  await cp.app.request("/v1/workflows", post(pipeline));
  const started = await json(await cp.app.request("/v1/workflows/pipe:run", post({ input: { rows: [1, 2] } })));
  expect(started.status).toBe(202);
  expect(started.body.status).toBe("running");
  let run = (await json(await cp.app.request(`/v1/workflow-runs/${started.body.runId}`))).body;
  for (let i = 0; i < 500 && run.status === "running"; i++) {
    await Bun.sleep(2);
    run = (await json(await cp.app.request(`/v1/workflow-runs/${started.body.runId}`))).body;
  }
  expect(run).toMatchObject({ workflow: "pipe", version: 1, status: "success", output: { rows: [1, 2] }, error: null });
  expect(run.steps[0]).toMatchObject({
    id: "extract",
    status: "success",
    attempts: 1,
    input: { rows: [1, 2], tag: "$raw" },
  });
  expect(typeof run.steps[1].executionId).toBe("string");
  expect(Date.parse(run.steps[1].startedAt)).toBeGreaterThanOrEqual(Date.parse(run.steps[0].finishedAt));

  const invoked = await json(await cp.app.request("/v1/workflows/pipe:invoke", post({ input: { rows: [3] } })));
  expect(invoked).toEqual({
    status: 200,
    body: { runId: expect.any(String), status: "success", output: { rows: [3] }, error: null },
  });
  const list = await json(await cp.app.request("/v1/workflow-runs?workflow=pipe&status=success&limit=1"));
  expect(list.body.items.map((r: { runId: string }) => r.runId)).toEqual([invoked.body.runId]);
  expect(list.body.nextCursor).toEqual(expect.any(String));
  expect((await json(await cp.app.request("/v1/workflow-runs?cursor=nope"))).status).toBe(400);
  expect((await json(await cp.app.request("/v1/workflow-runs?status=odd"))).status).toBe(400);
  const again = await json(await cp.app.request(`/v1/workflow-runs/${invoked.body.runId}:cancel`, { method: "POST" }));
  expect(again.status).toBe(409);
  expect((await cp.app.request("/v1/workflow-runs/none")).status).toBe(404);
  expect((await cp.app.request("/v1/workflows/none:run", post({}))).status).toBe(404);
});
