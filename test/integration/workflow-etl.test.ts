/**
 * The done-when test of issue 23's ETL example: the four example functions of examples/etl run as
 * real processes (process backend), the workflow of examples/etl/workflow.json runs through the
 * API sync (`:invoke`) and async (`:run`, then GET until it ends), and its parallel steps
 * (transform ∥ validate) overlap in time by the run's own step timestamps.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ControlPlane } from "../../src/control-plane";
import { LogSink, testConfig } from "../../src/deploy/process/fixtures/harness";
import { createProcessDeployer, type ProcessDeployer } from "../../src/deploy/process/process-deployer";
import { registerDeclarativeFunctions } from "../../src/registry/declarative-functions";
import { jsonRequest, testControlPlane } from "../support/control-plane";
import { until } from "../support/until";

const ROOT = join(import.meta.dir, "../..");
const log = new LogSink();
let deployer: ProcessDeployer;
let cp: ControlPlane;

interface Step {
  id: string;
  status: string;
  attempts: number;
  startedAt: string;
  finishedAt: string;
}
interface Run {
  runId: string;
  status: string;
  output: unknown;
  steps: Step[];
}

beforeAll(async () => {
  deployer = createProcessDeployer(testConfig(), { output: log.write });
  cp = testControlPlane({}, { deployer });
  await registerDeclarativeFunctions(cp.functions, join(ROOT, "examples/etl/functions"), log.write);
  for (const fn of cp.functions.list())
    await until(() => deployer.readyReplicas(fn.name) > 0, `${fn.name} ready`, 20_000);
  const workflow = JSON.parse(readFileSync(join(ROOT, "examples/etl/workflow.json"), "utf8"));
  expect((await cp.app.request("/v1/workflows", jsonRequest("POST", workflow))).status).toBe(201);
}, 60_000);

afterAll(() => deployer.close());

const EXPECTED = { source: "crm", total: 49.75, loaded: 3, problems: [] };
const INPUT = { source: "crm", target: "warehouse", delayMs: 400 };

function expectOverlap(run: Run): void {
  const span = (id: string) => {
    const step = run.steps.find((s) => s.id === id) as Step;
    return [Date.parse(step.startedAt), Date.parse(step.finishedAt)] as const;
  };
  const [t, v] = [span("transform"), span("validate")];
  // Each took ≥ 400 ms; overlapping means each started before the other ended.
  expect(t[0]).toBeLessThan(v[1]);
  expect(v[0]).toBeLessThan(t[1]);
  expect(Math.min(t[1], v[1]) - Math.max(t[0], v[0])).toBeGreaterThan(200);
  const [extract, load] = [span("extract"), span("load")];
  expect(Math.min(t[0], v[0])).toBeGreaterThanOrEqual(extract[1]);
  expect(load[0]).toBeGreaterThanOrEqual(Math.max(t[1], v[1]));
}

describe("the ETL example on the process backend", () => {
  test("sync :invoke: the output, every step once, transform ∥ validate overlapping", async () => {
    const res = await cp.app.request("/v1/workflows/etl:invoke", jsonRequest("POST", { input: INPUT }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { runId: string; status: string; output: unknown };
    expect(body).toMatchObject({ status: "success", output: EXPECTED });
    const run = (await (await cp.app.request(`/v1/workflow-runs/${body.runId}`)).json()) as Run;
    expect(run.steps.map((s) => [s.id, s.status, s.attempts])).toEqual([
      ["extract", "success", 1],
      ["transform", "success", 1],
      ["validate", "success", 1],
      ["load", "success", 1],
    ]);
    expectOverlap(run);
  }, 30_000);

  test("async :run: 202 at once, the run ends by itself with the same output and overlap", async () => {
    const res = await cp.app.request("/v1/workflows/etl:run", jsonRequest("POST", { input: INPUT }));
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: string };
    const run = await until(
      async () => {
        const current = (await (await cp.app.request(`/v1/workflow-runs/${runId}`)).json()) as Run;
        return current.status === "running" ? undefined : current;
      },
      "the async run to end",
      20_000,
    );
    expect(run).toMatchObject({ status: "success", output: EXPECTED });
    expectOverlap(run);
  }, 30_000);

  test("invalid rows: validate says so, load is skipped (its when is false), the run still succeeds", async () => {
    const rows = [{ id: 1, name: "", amount: -1 }];
    const res = await cp.app.request("/v1/workflows/etl:invoke", jsonRequest("POST", { input: { rows } }));
    const body = (await res.json()) as { runId: string; output: { problems: string[]; loaded: unknown } };
    expect(body.output.problems).toEqual(["row 0: name is missing", "row 0: amount must be a number ≥ 0"]);
    expect(body.output.loaded).toBeNull();
    const run = (await (await cp.app.request(`/v1/workflow-runs/${body.runId}`)).json()) as Run;
    expect(run.steps.find((s) => s.id === "load")?.status).toBe("skipped");
  }, 30_000);
});
