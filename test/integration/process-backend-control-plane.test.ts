/**
 * The process backend inside a real control plane: functions declared in files are registered at
 * start-up, invocations through the API reach real replica processes (round-robin), the replicas
 * endpoint scales them, DELETE stops them — and `runtimeCommand` runs under the real watchdog.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ControlPlane, createControlPlane } from "../../src/control-plane";
import { BUN, ECHO_POD, LogSink, testConfig } from "../../src/deploy/process/fixtures/harness";
import { survivors } from "../../src/deploy/process/fixtures/processes";
import { until } from "../support/until";
import { createProcessDeployer, type ProcessDeployer } from "../../src/deploy/process/process-deployer";
import { registerDeclarativeFunctions } from "../../src/registry/declarative-functions";

let dir: string;
let deployer: ProcessDeployer;
let cp: ControlPlane;
const log = new LogSink();
const seen = new Set<number>();

const track = (name: string) => {
  for (const pid of deployer.replicaPids(name)) seen.add(pid);
};

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await cp.app.request(path, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nanofaas-process-cp-"));
  await writeFile(
    join(dir, "echo.yaml"),
    `name: echo\ncommand: ["${BUN}", "${ECHO_POD}"]\nscalingConfig:\n  minReplicas: 2\n  maxReplicas: 4\n`,
  );
  // STDIO through the watchdog: `cat` hands the request it reads on stdin back as the output.
  await writeFile(
    join(dir, "upper.json"),
    JSON.stringify({ name: "cat", runtimeMode: "STDIO", runtimeCommand: "cat", timeoutMs: 5000 }),
  );
  const config = testConfig();
  deployer = createProcessDeployer(config, { output: log.write, timing: { stopGraceMs: 2000 } });
  cp = createControlPlane(config, { version: "test", deployer });
  await registerDeclarativeFunctions(cp.functions, dir, log.write);
});

afterAll(async () => {
  await deployer.close();
  await rm(dir, { recursive: true, force: true });
  expect(await survivors([...seen])).toEqual([]);
});

describe("process backend in the control plane", () => {
  test("declared functions are registered on the process backend", async () => {
    const { status, json } = await call("GET", "/v1/functions/echo");
    expect(status).toBe(200);
    expect(json).toMatchObject({ deploymentBackend: "process", effectiveExecutionMode: "DEPLOYMENT" });
    expect(json.endpointUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/invoke$/);
  });

  test("a sync invocation waits for readiness, then replicas answer in turn", async () => {
    track("echo");
    expect(deployer.readyReplicas("echo")).toBe(0);
    expect((await call("POST", "/v1/functions/echo:invoke", { input: "first" })).status).toBe(200);
    await until(() => deployer.readyReplicas("echo") === 2, "both replicas ready");
    const pids: number[] = [];
    for (let i = 0; i < 4; i++) {
      const { status, json } = await call("POST", "/v1/functions/echo:invoke", { input: { n: i } });
      expect(status).toBe(200);
      const output = json.output as { input: unknown; pid: number };
      expect(output.input).toEqual({ n: i });
      pids.push(output.pid);
    }
    expect(new Set(pids)).toEqual(new Set(deployer.replicaPids("echo")));
    expect(pids[0]).not.toBe(pids[1]);
  });

  test("runtimeCommand runs under the real watchdog", async () => {
    track("cat");
    const { status, json } = await call("POST", "/v1/functions/cat:invoke", { input: { greeting: "hi" } });
    expect(status).toBe(200);
    expect(json.output).toMatchObject({ input: { greeting: "hi" } });
    expect(
      log.matching(/^\[fn\/cat#0\] nanofaas: started pid \d+ on port \d+: .*watchdog.* \(WATCHDOG_CMD=cat\)$/),
    ).toHaveLength(1);
  });

  test("PUT replicas scales the processes", async () => {
    expect((await call("PUT", "/v1/functions/echo/replicas", { replicas: 3 })).status).toBe(200);
    track("echo");
    await until(() => deployer.readyReplicas("echo") === 3, "three ready");
    const before = deployer.replicaPids("echo");
    expect((await call("PUT", "/v1/functions/echo/replicas", { replicas: 1 })).status).toBe(200);
    expect(deployer.replicaPids("echo")).toEqual([before[0]!]);
    expect(await survivors(before.slice(1))).toEqual([]);
  });

  test("DELETE stops the function's processes", async () => {
    const pids = deployer.replicaPids("echo");
    expect((await call("DELETE", "/v1/functions/echo")).status).toBe(204);
    expect(deployer.readyReplicas("echo")).toBe(0);
    expect(await survivors(pids)).toEqual([]);
  });
});
