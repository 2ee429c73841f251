/**
 * The embedded default end to end: the example specs of examples/functions registered on the
 * process backend of a real control plane, every payload file invoked through the HTTP API against
 * the real runtime processes (TypeScript and Python) — and a replica killed mid-traffic.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ControlPlane } from "../../src/control-plane";
import { LogSink, testConfig } from "../../src/deploy/process/fixtures/harness";
import { survivors } from "../../src/deploy/process/fixtures/processes";
import { until } from "../support/until";
import { createProcessDeployer, type ProcessDeployer } from "../../src/deploy/process/process-deployer";
import { registerDeclarativeFunctions } from "../../src/registry/declarative-functions";
import { jsonRequest, type Served, serveControlPlane, testControlPlane } from "../support/control-plane";

const ROOT = resolve(import.meta.dir, "../..");
const EXAMPLES = ["word-stats", "json-transform", "roman-numeral"];

let deployer: ProcessDeployer;
let served: Served;
let cp: ControlPlane;
const log = new LogSink();
const pids = new Set<number>();

beforeAll(async () => {
  deployer = createProcessDeployer(testConfig(), { output: log.write });
  cp = testControlPlane({}, { deployer });
  served = serveControlPlane(cp);
  await registerDeclarativeFunctions(cp.functions, join(ROOT, "examples/functions"), log.write);
  for (const fn of cp.functions.list()) {
    await until(() => deployer.readyReplicas(fn.name) > 0, `${fn.name} ready`, 15_000);
    for (const pid of deployer.replicaPids(fn.name)) pids.add(pid);
  }
}, 30_000);

afterAll(async () => {
  await served.stop();
  await deployer.close();
  expect(await survivors([...pids])).toEqual([]);
});

const invoke = async (name: string, input: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${served.url}/v1/functions/${name}:invoke`, jsonRequest("POST", { input }, headers));
  return (await res.json()) as { status: string; output: unknown; error: unknown; executionId: string };
};

describe("every payload through the control plane and the real runtimes", () => {
  for (const example of EXAMPLES) {
    const dir = join(ROOT, "examples", example, "payloads");
    const payloads = readdirSync(dir).filter((f) => f.endsWith(".json"));
    for (const [name, language] of [
      [example, "TypeScript"],
      [`${example}-python`, "Python"],
    ] as const) {
      test(`${name} (${language}): ${payloads.length} payloads`, async () => {
        for (const file of payloads) {
          const payload = (await Bun.file(join(dir, file)).json()) as { input: unknown; expected: unknown };
          const outcome = await invoke(name, payload.input);
          expect({ file, status: outcome.status, output: outcome.output }).toEqual({
            file,
            status: "success",
            output: payload.expected,
          });
        }
      });
    }
  }

  test("async: enqueue, then the execution record holds the output", async () => {
    const res = await fetch(
      `${served.url}/v1/functions/roman-numeral:enqueue`,
      jsonRequest("POST", { input: { number: 2024 } }),
    );
    const { executionId } = await res.json();
    await until(() => cp.engine.execution(executionId)?.status === "success", "async success", 5000);
    // The record keeps the pod's bytes (raw JSON, issue 15.2); the API serves them as JSON.
    const record = await (await fetch(`${served.url}/v1/executions/${executionId}`)).json();
    expect(record).toMatchObject({ status: "success", output: { roman: "MMXXIV" } });
  });
});

describe("a replica killed mid-traffic", () => {
  test("in-flight calls end with an error or a retried success, nothing hangs, the replica comes back", async () => {
    const name = "word-stats";
    const [victim] = deployer.replicaPids(name);
    expect(victim).toBeDefined();
    const calls = Array.from({ length: 60 }, (_, i) =>
      invoke(name, { text: `call ${i} `.repeat(200) }, { "x-timeout-ms": "10000" }),
    );
    await until(() => cp.engine.queueStats().get(name)!.inFlight > 0, "calls in flight", 5000);
    process.kill(victim!, "SIGKILL"); // while the replica holds in-flight calls
    const outcomes = await Promise.all(calls); // every call answers (the test timeout would catch a hang)
    for (const o of outcomes) expect(["success", "error"]).toContain(o.status);
    expect(outcomes.filter((o) => o.status === "success").length).toBeGreaterThan(0);
    await until(
      () => deployer.readyReplicas(name) > 0 && !deployer.replicaPids(name).includes(victim!),
      "replica restarted",
      10_000,
    );
    for (const pid of deployer.replicaPids(name)) pids.add(pid);
    expect((await invoke(name, { text: "back again" })).status).toBe("success");
    expect(cp.engine.queueStats().get(name)!.inFlight).toBe(0);
  }, 30_000);
});
