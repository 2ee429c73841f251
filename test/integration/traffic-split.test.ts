/**
 * Traffic splitting and blue/green on the process backend (issue 22): two real versions of one
 * function, each on its own replica; the echo pod answers its GREETING, so every answer says which
 * version ran it.
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
  name: "shop",
  command: [BUN, ECHO_POD],
  env: { GREETING: greeting },
  concurrency: 8,
  queueSize: 500,
  maxRetries: 0,
  scalingConfig: { minReplicas: 1, maxReplicas: 1 },
  circuitBreaker: { failureThreshold: 3, resetTimeoutMs: 60_000, halfOpenRequests: 1 },
});

/** One call; the version that answered (its GREETING) and the execution's recorded version. */
async function invoke(headers: Record<string, string> = {}) {
  const response = await cp.app.request("/v1/functions/shop:invoke", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ input: "hi" }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read whichever fields they assert on
  const json = (await response.json()) as any;
  return { status: response.status, json, greeting: json.output?.env?.GREETING as string | undefined };
}

async function countGreetings(calls: number, parallel = 16): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < calls) {
        next++;
        const { status, greeting } = await invoke();
        expect(status).toBe(200);
        counts.set(greeting ?? "failed", (counts.get(greeting ?? "failed") ?? 0) + 1);
      }
    }),
  );
  return counts;
}

const replicaUrl = (name: string) => deployer.pickEndpoint(name)!.replace(/\/invoke$/, "");

beforeAll(async () => {
  const config = testConfig({ processAllowedCommands: ["*"] });
  deployer = createProcessDeployer(config, { output: new LogSink().write, timing: { stopGraceMs: 2000 } });
  cp = createControlPlane(config, { version: "test", deployer });
  expect((await call("POST", "/v1/functions", spec("v1"))).status).toBe(201);
  await until(() => deployer.readyReplicas("shop") > 0, "shop v1 ready");
});

afterAll(async () => {
  for (const name of ["shop", "shop@v1", "shop@v2", "bg", "bg@v1"])
    for (const pid of deployer.replicaPids(name)) pids.add(pid);
  await deployer.close();
  expect(await survivors([...pids])).toEqual([]);
});

describe("traffic split on the process backend", () => {
  test("a PUT while the split pins v1 makes v2 without giving it a call", async () => {
    // Pin everything to v1 first, so the update does not send 100 % to an untested v2.
    const pinned = await call("PUT", "/v1/functions/shop/traffic", { traffic: [{ version: 1, weight: 100 }] });
    expect(pinned.status).toBe(200);
    expect(pinned.json.traffic).toBeUndefined(); // everything goes to the active version
    const updated = await call("PUT", "/v1/functions/shop", spec("v2"));
    expect(updated.json).toMatchObject({ version: 2, env: { GREETING: "v2" }, traffic: [{ version: 1, weight: 100 }] });
    expect((await countGreetings(40)).get("v1")).toBe(40);
    expect((await invoke({ "X-Function-Version": "2" })).greeting).toBe("v2");
  });

  test("bad splits are 400 and change nothing", async () => {
    const cases = [
      { traffic: [{ version: 1, weight: 90 }] },
      {
        traffic: [
          { version: 1, weight: 90 },
          { version: 9, weight: 10 },
        ],
      },
      {
        traffic: [
          { version: 1, weight: 50 },
          { version: 1, weight: 50 },
        ],
      },
      { traffic: [{ version: 1, weight: 101 }] },
      { traffic: [] },
      { traffic: [{ version: 1, weight: 100 }], extra: 1 },
    ];
    for (const body of cases) {
      const { status, json } = await call("PUT", "/v1/functions/shop/traffic", body);
      expect(status).toBe(400);
      expect(json.error).toBe("VALIDATION_ERROR");
    }
    expect((await call("PUT", "/v1/functions/nope/traffic", { traffic: [{ version: 1, weight: 100 }] })).status).toBe(
      404,
    );
    expect((await call("GET", "/v1/functions/shop")).json.traffic).toEqual([{ version: 1, weight: 100 }]);
  });

  test("a 90/10 canary: 10 000 calls within ±2 % of the weights; each execution records its version", async () => {
    const split = await call("PUT", "/v1/functions/shop/traffic", {
      traffic: [
        { version: 1, weight: 90 },
        { version: 2, weight: 10 },
      ],
    });
    expect(split.status).toBe(200);
    expect(split.json).toMatchObject({
      version: 2,
      traffic: [
        { version: 1, weight: 90 },
        { version: 2, weight: 10 },
      ],
    });
    // the list shows the function once, never its version deployments
    expect((await call("GET", "/v1/functions")).json.map((f: { name: string }) => f.name)).toEqual(["shop"]);
    const counts = await countGreetings(10_000, 32);
    expect(counts.get("failed")).toBeUndefined();
    const v2 = (counts.get("v2") ?? 0) / 10_000;
    expect(v2).toBeGreaterThan(0.08);
    expect(v2).toBeLessThan(0.12);
    const one = await invoke();
    const view = (await call("GET", `/v1/executions/${one.json.executionId}`)).json;
    expect(view).toMatchObject({ function: "shop", version: one.greeting === "v1" ? 1 : 2 });
  }, 120_000);

  test("an Idempotency-Key is sticky; X-Function-Version pins a call; unknown versions are 404, bad ones 400", async () => {
    for (const key of ["a", "b", "c", "d", "e", "f"]) {
      const first = await invoke({ "Idempotency-Key": `${key}-1` });
      // a new key with the same hash slot is not what stickiness means: the same key again, after its
      // idempotency record is gone, must reach the same version
      cp.engine.sweep();
      const again = await invoke({ "Idempotency-Key": `${key}-1` });
      expect(again.greeting).toBe(first.greeting!);
    }
    for (const [version, greeting] of [
      ["1", "v1"],
      ["2", "v2"],
    ] as const) {
      for (let i = 0; i < 5; i++) expect((await invoke({ "X-Function-Version": version })).greeting).toBe(greeting);
    }
    expect((await invoke({ "X-Function-Version": "7" })).status).toBe(404);
    expect((await invoke({ "X-Function-Version": "two" })).status).toBe(400);
    expect((await invoke({ "X-Function-Version": "0" })).status).toBe(400);
  });

  test("the canary's breaker opens on the canary only; promote is refused while it is OPEN", async () => {
    const canary = replicaUrl("shop"); // v2 is the active version, v1 runs as shop@v1
    expect((await fetch(`${canary}/invoke-status/500`, { method: "PUT" })).status).toBe(204);
    for (let i = 0; i < 3; i++) expect((await invoke({ "X-Function-Version": "2" })).json.status).toBe("error");
    const open = await invoke({ "X-Function-Version": "2" });
    expect(open.status).toBe(503);
    expect(open.json.error).toBe("CIRCUIT_OPEN");
    // v1 still answers every call pinned to it
    for (let i = 0; i < 10; i++) expect((await invoke({ "X-Function-Version": "1" })).greeting).toBe("v1");
    const refused = await call("POST", "/v1/functions/shop:promote", { version: 2 });
    expect(refused.status).toBe(409);
    expect(refused.json.message).toContain("circuit breaker is OPEN");
    expect((await call("GET", "/v1/functions/shop")).json.traffic).toHaveLength(2);
    expect((await fetch(`${canary}/invoke-status/200`, { method: "PUT" })).status).toBe(204);
  });

  test("rollback while split ends the split: everything goes to the version rolled back to", async () => {
    const rolled = await call("POST", "/v1/functions/shop:rollback", { version: 1 });
    expect(rolled.status).toBe(200);
    expect(rolled.json.version).toBe(1);
    expect(rolled.json.traffic).toBeUndefined();
    const counts = await countGreetings(50);
    expect(counts.get("v1")).toBe(50);
    await until(() => deployer.readyReplicas("shop@v2") === 0, "the v2 deployment retired", { timeoutMs: 10_000 });
  });

  test("promote moves 100 % to a healthy version with no failed call during the switch", async () => {
    // v2 back as a 0 % blue/green candidate: running, reachable only when pinned
    const staged = await call("PUT", "/v1/functions/shop/traffic", {
      traffic: [
        { version: 1, weight: 100 },
        { version: 2, weight: 0 },
      ],
    });
    expect(staged.status).toBe(200);
    await until(() => deployer.readyReplicas("shop@v2") > 0, "v2 ready");
    expect((await invoke({ "X-Function-Version": "2" })).greeting).toBe("v2");
    expect((await countGreetings(20)).get("v1")).toBe(20);
    let stop = false;
    const during = new Map<string, number>();
    const load = (async () => {
      while (!stop) {
        const { status, greeting } = await invoke();
        const key = status === 200 && greeting ? greeting : `failed ${status}`;
        during.set(key, (during.get(key) ?? 0) + 1);
      }
    })();
    const promoted = await call("POST", "/v1/functions/shop:promote", { version: 2 });
    stop = true;
    await load;
    expect(promoted.status).toBe(200);
    expect(promoted.json).toMatchObject({ version: 2, env: { GREETING: "v2" } });
    expect(promoted.json.traffic).toBeUndefined();
    expect([...during.keys()].filter((k) => k.startsWith("failed"))).toEqual([]);
    expect((await countGreetings(30)).get("v2")).toBe(30);
  }, 60_000);

  test("promote is refused while the target has no ready replica; nothing moves", async () => {
    const bg = (health: string) => ({ ...spec("bg-v1"), name: "bg", env: { GREETING: health, HEALTH_STATUS: health } });
    expect((await call("POST", "/v1/functions", bg("200"))).status).toBe(201);
    await call("PUT", "/v1/functions/bg/traffic", { traffic: [{ version: 1, weight: 100 }] });
    expect((await call("PUT", "/v1/functions/bg", bg("503"))).json.version).toBe(2);
    const staged = await call("PUT", "/v1/functions/bg/traffic", {
      traffic: [
        { version: 1, weight: 100 },
        { version: 2, weight: 0 },
      ],
    });
    expect(staged.status).toBe(200);
    // v2 is the active spec (the function's own replicas: started, never ready, /health answers
    // 503); the pin keeps every call on v1, which runs as bg@v1
    expect(cp.engine.queueStats().has("bg@v1")).toBe(true);
    expect(deployer.desiredReplicas?.("bg")).toBe(1);
    expect(deployer.readyReplicas("bg")).toBe(0);
    const refused = await call("POST", "/v1/functions/bg:promote", { version: 2 });
    expect(refused.status).toBe(409);
    expect(refused.json.error).toBe("CONFLICT");
    expect(refused.json.message).toContain("no ready replica");
    expect((await call("GET", "/v1/functions/bg")).json.traffic).toEqual(staged.json.traffic);
    const answer = await cp.app.request("/v1/functions/bg:invoke", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input: 1 }),
    });
    expect(((await answer.json()) as { output: { env: { GREETING: string } } }).output.env.GREETING).toBe("200");
    // a version that takes no traffic has nothing to check
    const unknown = await call("POST", "/v1/functions/bg:promote", { version: 7 });
    expect(unknown.status).toBe(404);
    expect((await call("DELETE", "/v1/functions/bg")).status).toBe(204);
    expect(cp.engine.queueStats().has("bg@v1")).toBe(false);
    expect(deployer.desiredReplicas?.("bg@v1")).toBe(0);
  });
});
