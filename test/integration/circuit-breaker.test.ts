/**
 * The circuit breaker against a real process-backend pod that starts failing (issue 22 "Done
 * when"): the circuit opens at the threshold, no call reaches the pod while OPEN (sync calls get 503
 * CIRCUIT_OPEN + Retry-After, async work waits in its queue), and once the pod recovers the
 * half-open probe closes it and the waiting work runs.
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
let pod: string;
const log = new LogSink();
const pids = new Set<number>();

const call = appCaller(() => cp.app);

const podInvocations = async () =>
  ((await (await fetch(`${pod}/invocations`)).json()) as { invocations: number }).invocations;
const setPodStatus = async (status: number) =>
  expect((await fetch(`${pod}/invoke-status/${status}`, { method: "PUT" })).status).toBe(204);

beforeAll(async () => {
  const config = testConfig({ processAllowedCommands: ["*"] });
  deployer = createProcessDeployer(config, { output: log.write, timing: { stopGraceMs: 2000 } });
  cp = createControlPlane(config, { version: "test", deployer });
  const registered = await call("POST", "/v1/functions", {
    name: "flaky",
    command: [BUN, ECHO_POD],
    maxRetries: 1,
    scalingConfig: { minReplicas: 1, maxReplicas: 1 },
    circuitBreaker: { failureThreshold: 3, resetTimeoutMs: 1500, halfOpenRequests: 1 },
  });
  expect(registered.status).toBe(201);
  expect((await call("POST", "/v1/functions/flaky:invoke", { input: "warm" })).status).toBe(200);
  for (const pid of deployer.replicaPids("flaky")) pids.add(pid);
  pod = new URL((await call("GET", "/v1/functions/flaky")).json.endpointUrl).origin;
});

afterAll(async () => {
  await deployer.close();
  expect(await survivors([...pids])).toEqual([]);
});

describe("circuit breaker with a real pod", () => {
  test("opens at the threshold, shields the pod while OPEN, and closes after a probe once it recovers", async () => {
    expect((await call("GET", "/v1/functions/flaky")).json.circuit).toMatchObject({ state: "CLOSED" });
    await setPodStatus(500);
    for (let i = 0; i < 3; i++) {
      const failed = await call("POST", "/v1/functions/flaky:invoke", { input: i });
      expect(failed.json).toMatchObject({ status: "error" });
    }
    const opened = (await call("GET", "/v1/functions/flaky")).json.circuit;
    expect(opened.state).toBe("OPEN");
    const reached = await podInvocations();

    const refused = await call("POST", "/v1/functions/flaky:invoke", { input: "refused" });
    expect(refused.status).toBe(503);
    expect(refused.json.error).toBe("CIRCUIT_OPEN");
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    const waiting = await call("POST", "/v1/functions/flaky:enqueue", { input: "waits" });
    expect(waiting.status).toBe(202);
    const id = waiting.json.executionId as string;
    expect((await call("GET", `/v1/executions/${id}`)).json.status).toBe("queued");
    expect(await podInvocations()).toBe(reached); // nothing reached the pod while OPEN

    await setPodStatus(200);
    const done = await until(
      async () => {
        const execution = (await call("GET", `/v1/executions/${id}`)).json;
        return execution.status === "success" && execution;
      },
      "the waiting async execution to run once the circuit half-opens",
      { timeoutMs: 10_000 },
    );
    expect(done.output).toMatchObject({ input: "waits" });
    expect(await podInvocations()).toBe(reached + 1); // one probe, and it was the waiting work
    expect((await call("GET", "/v1/functions/flaky")).json.circuit.state).toBe("CLOSED");
    expect((await call("POST", "/v1/functions/flaky:invoke", { input: "after" })).status).toBe(200);
  });

  test(":reset-circuit closes it by hand; 409 for a function without a breaker, 404 for none", async () => {
    await setPodStatus(500);
    for (let i = 0; i < 3; i++) await call("POST", "/v1/functions/flaky:invoke", { input: i });
    expect((await call("GET", "/v1/functions/flaky")).json.circuit.state).toBe("OPEN");
    await setPodStatus(200);
    const reset = await call("POST", "/v1/functions/flaky:reset-circuit");
    expect(reset.status).toBe(200);
    expect(reset.json).toMatchObject({ function: "flaky", circuit: { state: "CLOSED" } });
    expect((await call("POST", "/v1/functions/flaky:invoke", { input: "again" })).status).toBe(200);

    expect((await call("POST", "/v1/functions", { name: "plain", executionMode: "LOCAL" })).status).toBe(201);
    expect((await call("POST", "/v1/functions/plain:reset-circuit")).json.error).toBe("CONFLICT");
    expect((await call("POST", "/v1/functions/nope:reset-circuit")).status).toBe(404);
  });
});
