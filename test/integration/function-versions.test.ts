/**
 * Versions on the process backend (issue 22): PUT makes the next version in place without dropping
 * queued work (the old delete-and-register failed it FUNCTION_REMOVED), the history is listed, and
 * a rollback restores the previous spec and its replicas.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ControlPlane, createControlPlane } from "../../src/control-plane";
import { BUN, ECHO_POD, LogSink, testConfig } from "../../src/deploy/process/fixtures/harness";
import { survivors } from "../../src/deploy/process/fixtures/processes";
import { createProcessDeployer, type ProcessDeployer } from "../../src/deploy/process/process-deployer";
import { appCaller } from "../support/app-call";
import { until } from "../support/until";

let deployer: ProcessDeployer;
let cp: ControlPlane;
const pids = new Set<number>();

const call = appCaller(() => cp.app);

const spec = (greeting: string) => ({
  name: "greeter",
  command: [BUN, ECHO_POD],
  env: { GREETING: greeting },
  concurrency: 1,
  scalingConfig: { minReplicas: 1, maxReplicas: 1 },
});

const greeting = async () => {
  const { status, json } = await call("POST", "/v1/functions/greeter:invoke", { input: "hi" });
  expect(status).toBe(200);
  for (const pid of deployer.replicaPids("greeter")) pids.add(pid);
  return json.output.env.GREETING as string;
};

beforeAll(async () => {
  const config = testConfig({ processAllowedCommands: ["*"] });
  deployer = createProcessDeployer(config, { output: new LogSink().write, timing: { stopGraceMs: 2000 } });
  cp = createControlPlane(config, { version: "test", deployer });
  const registered = await call("POST", "/v1/functions", spec("v1"));
  expect(registered.status).toBe(201);
  expect(registered.json.version).toBe(1);
  expect(await greeting()).toBe("v1");
});

afterAll(async () => {
  await deployer.close();
  expect(await survivors([...pids])).toEqual([]);
});

describe("function versions on the process backend", () => {
  test("PUT makes version 2 in place; work queued at that moment runs, none is dropped", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { status, json } = await call("POST", "/v1/functions/greeter:enqueue", { input: i });
      expect(status).toBe(202);
      ids.push(json.executionId);
    }
    expect(cp.engine.queueStats().get("greeter")!.async.size).toBeGreaterThan(0);
    const updated = await call("PUT", "/v1/functions/greeter", spec("v2"));
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ version: 2, env: { GREETING: "v2" } });
    for (const id of ids) {
      const done = await until(
        async () => {
          const view = (await call("GET", `/v1/executions/${id}`)).json;
          return view.status !== "queued" && view.status !== "running" && view;
        },
        `execution ${id} to finish`,
        { timeoutMs: 15_000 },
      );
      expect(done.status).toBe("success");
    }
    expect(await greeting()).toBe("v2");
    expect((await call("GET", "/v1/functions/greeter")).json.version).toBe(2);
  });

  test("the history lists both versions with their specs", async () => {
    const { status, json } = await call("GET", "/v1/functions/greeter/versions");
    expect(status).toBe(200);
    expect(json.items.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(json.items[0].spec.env).toEqual({ GREETING: "v1" });
    expect(Date.parse(json.items[1].createdAt)).toBeGreaterThan(0);
    const one = await call("GET", "/v1/functions/greeter/versions/1");
    expect(one.json).toMatchObject({ version: 1, spec: { env: { GREETING: "v1" } } });
    expect((await call("GET", "/v1/functions/greeter/versions/9")).status).toBe(404);
    expect((await call("GET", "/v1/functions/greeter/versions/x")).status).toBe(400);
  });

  test("rollback restores the previous spec and its replicas; an explicit version goes forward again", async () => {
    const back = await call("POST", "/v1/functions/greeter:rollback");
    expect(back.status).toBe(200);
    expect(back.json).toMatchObject({ version: 1, env: { GREETING: "v1" } });
    await until(() => deployer.readyReplicas("greeter") === 1, "the v1 replica");
    expect(await greeting()).toBe("v1");
    const none = await call("POST", "/v1/functions/greeter:rollback", {});
    expect(none.status).toBe(409);
    const forward = await call("POST", "/v1/functions/greeter:rollback", { version: 2 });
    expect(forward.json).toMatchObject({ version: 2, env: { GREETING: "v2" } });
    expect(await greeting()).toBe("v2");
    expect((await call("GET", "/v1/functions/greeter/versions")).json.items).toHaveLength(2);
  });

  test("bad updates change nothing: another name is 400, an unknown function 404, a bad rollback body 400", async () => {
    expect((await call("PUT", "/v1/functions/greeter", { ...spec("x"), name: "other" })).status).toBe(400);
    expect((await call("PUT", "/v1/functions/nope", { ...spec("x"), name: "nope" })).status).toBe(404);
    expect((await call("POST", "/v1/functions/greeter:rollback", { version: 0 })).status).toBe(400);
    expect((await call("POST", "/v1/functions/greeter:rollback", { version: 7 })).status).toBe(404);
    expect((await call("GET", "/v1/functions/greeter")).json).toMatchObject({ version: 2, env: { GREETING: "v2" } });
  });
});
