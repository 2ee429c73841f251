/**
 * @module
 * The restart done-when of issue 23, for any durable store: the real control plane (`bun
 * src/main.ts`, process backend) runs a workflow a → b → c and is SIGKILLed while step b runs (a's
 * completion durable). Restarted on the same store, it resumes the run, which finishes: a and c ran
 * exactly once (by the pods' own record files), b at least once (it was in flight at the kill).
 * test/integration/workflow-crash.test.ts runs it on SQLite, workflow-crash-postgres.tools.ts on
 * PostgreSQL.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ControlPlaneProcess, REPO, startControlPlane } from "./control-plane-process";
import { until } from "./until";

const post = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});
const spec = (dir: string, name: string, sleepMs: number) => ({
  name,
  executionMode: "DEPLOYMENT",
  command: [process.execPath, join(REPO, "test/fixtures/recording-pod.ts")],
  env: { RECORD_FILE: join(dir, `${name}.log`), SLEEP_MS: String(sleepMs) },
  timeoutMs: 10_000,
  scalingConfig: { minReplicas: 1, maxReplicas: 1 },
});
/** Executions the pod started, by its record file (`start <executionId> <attempt>` lines). */
const starts = (dir: string, name: string) =>
  readFileSync(join(dir, `${name}.log`), "utf8")
    .split("\n")
    .filter((line) => line.startsWith("start "));

interface Run {
  status: string;
  steps: { id: string; status: string }[];
}
const getRun = async (api: string, id: string) => (await (await fetch(`${api}/v1/workflow-runs/${id}`)).json()) as Run;

/**
 * `storeEnv` gives NANOFAAS_STORE and where the store lives (called inside the test, given a
 * directory of its own); `title` names the store in the test title.
 */
export function workflowCrashTest(title: string, storeEnv: (dir: string) => Promise<Record<string, string>>): void {
  const dir = mkdtempSync(join(tmpdir(), "nanofaas-workflow-crash-"));
  const children: ControlPlaneProcess[] = [];
  afterAll(() => {
    for (const cp of children) cp.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });
  test(`SIGKILL between steps (${title}): the run resumes and finishes; completed steps ran exactly once`, async () => {
    const ENV = {
      NANOFAAS_DEPLOYMENT_BACKEND: "process",
      NANOFAAS_PROCESS_STATE_DIR: join(dir, "process-state"),
      NANOFAAS_PROCESS_ALLOWED_COMMANDS: "*",
      ...(await storeEnv(dir)),
    };
    const first = await startControlPlane(ENV);
    children.push(first);
    for (const [name, sleepMs] of [
      ["step-a", 20],
      ["step-b", 1500],
      ["step-c", 20],
    ] as const) {
      expect((await fetch(`${first.api}/v1/functions`, post(spec(dir, name, sleepMs)))).status).toBe(201);
    }
    const workflow = {
      name: "abc",
      steps: [
        { id: "a", function: "step-a" },
        { id: "b", function: "step-b", dependsOn: ["a"] },
        { id: "c", function: "step-c", dependsOn: ["b"] },
      ],
    };
    expect((await fetch(`${first.api}/v1/workflows`, post(workflow))).status).toBe(201);
    const { runId } = (await (await fetch(`${first.api}/v1/workflows/abc:run`, post({ input: { n: 1 } }))).json()) as {
      runId: string;
    };
    await until(
      async () => {
        const run = await getRun(first.api, runId);
        return run.steps[0]?.status === "success" && run.steps[1]?.status === "running";
      },
      "step a done and step b running",
      { timeoutMs: 20_000, intervalMs: 20 },
    );
    first.child.kill("SIGKILL");
    await first.exited();

    const second = await startControlPlane(ENV);
    children.push(second);
    const ended = await until(
      async () => {
        const run = await getRun(second.api, runId);
        return run.status === "running" ? undefined : run;
      },
      "the resumed run to end",
      { timeoutMs: 30_000, intervalMs: 50, detail: second.stderr },
    );
    expect(ended.status).toBe("success");
    expect(ended.steps.map((s) => s.status)).toEqual(["success", "success", "success"]);
    expect(starts(dir, "step-a").length).toBe(1);
    expect(starts(dir, "step-c").length).toBe(1);
    expect(starts(dir, "step-b").length).toBeGreaterThanOrEqual(1);
    expect(second.lines.some((l) => l.msg === "resumed workflow runs" && l.runs === 1)).toBe(true);
    console.log(
      `workflow crash test (${title}): step b ran ${starts(dir, "step-b").length} time(s) (in flight at the kill); a and c once`,
    );
    await second.stop();
  }, 90_000);
}
