/**
 * A broken function on the real process backend (issue 24 item 2): its replica exits because the
 * handler cannot load, and GET /v1/functions/{name} says so — state Failed, the runtime's own
 * words as lastError — instead of staying "Progressing" while invocations wait for their timeout.
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
