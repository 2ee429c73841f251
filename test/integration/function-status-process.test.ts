/**
 * A broken function on the real process backend (issue 24 item 2): its replica exits because the
 * handler cannot load, and GET /v1/functions/{name} says so — state Failed, the runtime's own
 * words as lastError — instead of staying "Progressing" while invocations wait for their timeout;
 * and sync calls fail fast (503 at admission once Failed; a call already waiting ends `error`).
 */
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { createControlPlane } from "../../src/control-plane";
import { BUN, LogSink, testConfig } from "../../src/deploy/process/fixtures/harness";
import { survivors } from "../../src/deploy/process/fixtures/processes";
import { createProcessDeployer } from "../../src/deploy/process/process-deployer";
import { jsonRequest } from "../support/control-plane";
import { REPO } from "../support/control-plane-process";
import { until } from "../support/until";

const deployer = createProcessDeployer(testConfig({ processAllowedCommands: ["*"] }), {
  output: new LogSink().write,
  timing: { stopGraceMs: 1000, backoff: { baseMs: 50, maxMs: 200 } },
});
const cp = createControlPlane(testConfig(), { version: "test", deployer });
const pids = new Set<number>();

afterAll(async () => {
  await deployer.close();
  expect(await survivors([...pids])).toEqual([]);
});

type Status = { state: string; ready?: number; desired?: number; lastError?: string };
const statusOf = async (name: string) =>
  ((await (await cp.app.request(`/v1/functions/${name}`)).json()) as { status: Status }).status;

test("a handler that cannot load: Failed, with the runtime's error, in GET and in the list", async () => {
  const command = [BUN, join(REPO, "runtimes/bun/src/main.ts"), join(REPO, "test/fixtures/logs/no-such-handler.ts")];
  const created = await cp.app.request("/v1/functions", jsonRequest("POST", { name: "broken", command }));
  expect(created.status).toBe(201);
  const failed = await until(
    async () => {
      for (const pid of deployer.replicaPids("broken")) pids.add(pid);
      const status = await statusOf("broken");
      return status.state === "Failed" ? status : undefined;
    },
    "the Failed state",
    { timeoutMs: 15_000 },
  );
  expect(failed).toMatchObject({ ready: 0, desired: 1 });
  expect(failed.lastError).toStartWith("handler failed to load: ");
  expect(failed.lastError).toContain("no-such-handler.ts");
  expect(failed.lastError).toContain("exited with code 1 before becoming ready");
  const listed = (await (await cp.app.request("/v1/functions")).json()) as { name: string; status: Status }[];
  expect(listed.find((f) => f.name === "broken")?.status.state).toBe("Failed");
});

const brokenCommand = () => [
  BUN,
  join(REPO, "runtimes/bun/src/main.ts"),
  join(REPO, "test/fixtures/logs/no-such-handler.ts"),
];

test("a sync call waiting for the first replica ends with its error as soon as it fails, not at the timeout", async () => {
  const spec = { name: "broken-wait", command: brokenCommand(), timeoutMs: 60_000 };
  expect((await cp.app.request("/v1/functions", jsonRequest("POST", spec))).status).toBe(201);
  const started = performance.now();
  // Sent at once: the replica is still starting (Progressing), so the call is queued.
  const response = await cp.app.request("/v1/functions/broken-wait:invoke", jsonRequest("POST", { input: 1 }));
  const elapsed = performance.now() - started;
  for (const pid of deployer.replicaPids("broken-wait")) pids.add(pid);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { status: string; error: { code: string; message: string } };
  expect(body.status).toBe("error");
  expect(body.error.code).toBe("BACKEND_UNAVAILABLE");
  expect(body.error.message).toContain("handler failed to load: ");
  expect(elapsed).toBeLessThan(15_000);
  const execution = await cp.app.request(`/v1/executions/${response.headers.get("x-execution-id")}`);
  expect(((await execution.json()) as { status: string }).status).toBe("error");
});

test("once Failed, a sync call is refused at once (503 with the replica error), an async one is queued", async () => {
  const spec = { name: "broken-fast", command: brokenCommand(), timeoutMs: 60_000 };
  expect((await cp.app.request("/v1/functions", jsonRequest("POST", spec))).status).toBe(201);
  await until(async () => (await statusOf("broken-fast")).state === "Failed", "the Failed state", {
    timeoutMs: 15_000,
  });
  for (const pid of deployer.replicaPids("broken-fast")) pids.add(pid);
  const started = performance.now();
  const refused = await cp.app.request("/v1/functions/broken-fast:invoke", jsonRequest("POST", { input: 1 }));
  expect(performance.now() - started).toBeLessThan(1000);
  expect(refused.status).toBe(503);
  expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
  expect(refused.headers.get("x-execution-id")).toBeNull();
  const error = (await refused.json()) as { error: string; message: string };
  expect(error.error).toBe("BACKEND_UNAVAILABLE");
  expect(error.message).toStartWith(
    "Function 'broken-fast' has no ready replica, and its replicas fail: handler failed to load: ",
  );
  const queued = await cp.app.request("/v1/functions/broken-fast:enqueue", jsonRequest("POST", { input: 1 }));
  expect(queued.status).toBe(202);
});
