/**
 * Function chains survive a restart (issue 23): the real control plane (`bun src/main.ts`, SQLite
 * store, process backend) runs three executions of `chain-a`, each chaining to the slow `chain-b`
 * (one at a time), and is SIGKILLed with one step of b running and two queued. The restarted one
 * runs every chained step to the end, each still linked to the execution of a that started it, and
 * no step is added: a did not run again, so it chained nothing again.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ControlPlaneProcess, REPO, startControlPlane } from "../support/control-plane-process";
import { until } from "../support/until";

const dir = mkdtempSync(join(tmpdir(), "nanofaas-chain-restart-"));
const children: ControlPlaneProcess[] = [];
afterAll(() => {
  for (const cp of children) cp.child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const ENV = {
  NANOFAAS_DEPLOYMENT_BACKEND: "process",
  NANOFAAS_PROCESS_STATE_DIR: join(dir, "process-state"),
  NANOFAAS_PROCESS_ALLOWED_COMMANDS: "*",
  NANOFAAS_STORE: "sqlite",
  NANOFAAS_DATA_DIR: join(dir, "data"),
};
const post = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});
const spec = (name: string, sleepMs: number, chain?: { next: string }) => ({
  name,
  executionMode: "DEPLOYMENT",
  command: [process.execPath, join(REPO, "test/fixtures/recording-pod.ts")],
  env: { RECORD_FILE: join(dir, `${name}.log`), SLEEP_MS: String(sleepMs) },
  concurrency: 1,
  timeoutMs: 10_000,
  scalingConfig: { minReplicas: 1, maxReplicas: 1 },
  ...(chain ? { chain } : {}),
});
const starts = (name: string) =>
  readFileSync(join(dir, `${name}.log`), "utf8")
    .split("\n")
    .filter((line) => line.startsWith("start "))
    .map((line) => line.split(" ")[1]);

interface Execution {
  executionId: string;
  status: string;
  parentExecutionId: string | null;
  rootExecutionId: string | null;
}
const executionsOf = async (api: string, fn: string) =>
  ((await (await fetch(`${api}/v1/executions?function=${fn}&limit=100`)).json()) as { items: Execution[] }).items;

test("chain steps accepted before a SIGKILL run after the restart, linked to their parents", async () => {
  const first = await startControlPlane(ENV);
  children.push(first);
  expect((await fetch(`${first.api}/v1/functions`, post(spec("chain-b", 1500)))).status).toBe(201);
  expect((await fetch(`${first.api}/v1/functions`, post(spec("chain-a", 10, { next: "chain-b" })))).status).toBe(201);
  const roots: string[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${first.api}/v1/functions/chain-a:enqueue`, post({ input: { i } }));
    expect(res.status).toBe(202);
    roots.push(((await res.json()) as { executionId: string }).executionId);
  }
  // every a ended and chained; one b runs, two wait
  const before = await until(
    async () => {
      const steps = await executionsOf(first.api, "chain-b");
      return steps.length === 3 && starts("chain-b").length >= 1 ? steps : undefined;
    },
    "three chained steps of b accepted, one running",
    { timeoutMs: 20_000, intervalMs: 20 },
  );
  first.child.kill("SIGKILL");
  await first.exited();

  const second = await startControlPlane(ENV);
  children.push(second);
  const after = await until(
    async () => {
      const steps = await executionsOf(second.api, "chain-b");
      return steps.every((s) => s.status === "success") ? steps : undefined;
    },
    "every chained step to end",
    { timeoutMs: 30_000, intervalMs: 50, detail: second.stderr },
  );
  expect(after.map((s) => s.executionId).sort()).toEqual(before.map((s) => s.executionId).sort());
  for (const step of after) {
    expect(roots).toContain(step.parentExecutionId ?? "none");
    expect(step.rootExecutionId).toBe(step.parentExecutionId);
  }
  expect(new Set(starts("chain-b"))).toEqual(new Set(after.map((s) => s.executionId)));
  expect(starts("chain-a")).toHaveLength(3);
  await second.stop();
}, 90_000);
