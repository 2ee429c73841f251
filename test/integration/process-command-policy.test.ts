/**
 * The process backend runs only what an operator allowed (issue 13.2), and registrations that can
 * never run are 4xx naming the field (issue 13.14) — through the API, with a real process deployer.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config } from "../../src/config/config";
import { createProcessDeployer, type ProcessDeployer } from "../../src/deploy/process/process-deployer";
import { BUN, ECHO_POD, LogSink, testConfig } from "../../src/deploy/process/fixtures/harness";
import { registerDeclarativeFunctions } from "../../src/registry/declarative-functions";
import { jsonRequest, testControlPlane } from "../support/control-plane";

let deployer: ProcessDeployer | undefined;
const dirs: string[] = [];

function setup(over: Partial<Config> = {}) {
  deployer = createProcessDeployer(testConfig(over), { output: new LogSink().write });
  const cp = testControlPlane({}, { deployer });
  const register = async (spec: Record<string, unknown>) => {
    const res = await cp.app.request(
      "/v1/functions",
      jsonRequest("POST", { scalingConfig: { minReplicas: 0 }, ...spec }),
    );
    return { status: res.status, body: await res.json() };
  };
  return { cp, register };
}

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "nanofaas-policy-"));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await deployer?.close();
  deployer = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("only allowed commands run", () => {
  test("sh -c from the API → 403 FORBIDDEN naming the setting; nothing runs", async () => {
    const dir = scratchDir();
    const marker = join(dir, "pwned.txt");
    const { cp, register } = setup();
    const { status, body } = await register({
      name: "pwn",
      command: ["sh", "-c", `id > ${marker}`],
      scalingConfig: { minReplicas: 1 },
    });
    expect(status).toBe(403);
    expect(body.error).toBe("FORBIDDEN");
    expect(body.details).toEqual(["command: 'sh' is not an allowed program (NANOFAAS_PROCESS_ALLOWED_COMMANDS)"]);
    expect(cp.functions.list()).toEqual([]);
    await Bun.sleep(200);
    expect(existsSync(marker)).toBe(false);
  });

  test("the answer does not say whether a file exists, nor where the server runs", async () => {
    const { register } = setup();
    const real = await register({ name: "a", command: ["/bin/sh"] });
    const missing = await register({ name: "b", command: ["/no/such/program"] });
    const relative = await register({ name: "c", command: ["./no-such-script.sh"] });
    for (const answer of [real, missing, relative]) {
      expect(answer.status).toBe(403);
      expect(JSON.stringify(answer.body)).not.toContain(process.cwd());
    }
    expect(real.body.message.replace("'a'", "'b'")).toBe(missing.body.message);
    expect(real.body.details[0].replace("/bin/sh", "X")).toBe(missing.body.details[0].replace("/no/such/program", "X"));
  });

  test("runtimeCommand is checked too", async () => {
    const { register } = setup();
    const { status, body } = await register({ name: "w", runtimeCommand: "sh -c 'id'" });
    expect(status).toBe(403);
    expect(body.details).toEqual([
      "runtimeCommand: 'sh' is not an allowed program (NANOFAAS_PROCESS_ALLOWED_COMMANDS)",
    ]);
  });

  test("a program in NANOFAAS_PROCESS_ALLOWED_COMMANDS runs; env that changes what it loads does not", async () => {
    const { register } = setup({ processAllowedCommands: [BUN] });
    expect((await register({ name: "ok", command: [BUN, ECHO_POD] })).status).toBe(201);
    const preload = await register({
      name: "preload",
      command: [BUN, ECHO_POD],
      env: { BUN_OPTIONS: "--preload /tmp/x.ts" },
    });
    expect(preload.status).toBe(403);
    expect(preload.body.details[0]).toStartWith("env.BUN_OPTIONS: ");
  });

  test("specs from NANOFAAS_FUNCTIONS_DIR run, and may be registered again exactly as declared", async () => {
    const dir = scratchDir();
    writeFileSync(
      join(dir, "echo.yaml"),
      `name: echo\ncommand: ["${BUN}", "${ECHO_POD}"]\nscalingConfig:\n  minReplicas: 0\n`,
    );
    const { cp, register } = setup();
    await registerDeclarativeFunctions(cp.functions, dir, () => undefined);
    expect(cp.functions.get("echo")?.deploymentBackend).toBe("process");
    expect((await register({ name: "echo-copy", command: [BUN, ECHO_POD] })).status).toBe(201);
    expect((await register({ name: "echo-eval", command: [BUN, "-e", "1"] })).status).toBe(403);
  });
});

describe("registrations that can never run are 400 naming the field (not 503)", () => {
  test('{"name":"x"} → 400 naming command and the modes that would work', async () => {
    const { register } = setup();
    const { status, body } = await register({ name: "x" });
    expect(status).toBe(400);
    expect(body.error).toBe("VALIDATION_ERROR");
    expect(body.details[0]).toStartWith("command: the process backend runs `command` or `runtimeCommand`");
    expect(body.details[1]).toBe(
      "executionMode: POOL, LOCAL would work (POOL with an http(s) endpointUrl; LOCAL echoes)",
    );
  });

  test("an allowed command that does not exist → 400 naming command", async () => {
    const { register } = setup({ processAllowedCommands: ["*"] });
    const { status, body } = await register({ name: "gone", command: ["./no-such-script.sh"] });
    expect(status).toBe(400);
    expect(body.details[0]).toStartWith("command: function 'gone': command './no-such-script.sh' does not exist");
    expect(JSON.stringify(body)).not.toContain(process.cwd());
  });

  test("REMOTE without Kubernetes → 400 naming executionMode", async () => {
    const { register } = setup();
    const { status, body } = await register({ name: "job", executionMode: "REMOTE", image: "img:1" });
    expect(status).toBe(400);
    expect(body.details[0]).toBe(
      "executionMode: REMOTE needs the k8s deployment backend, which this control plane does not use",
    );
  });

  test("DEPLOYMENT with no backend at all → 400 naming executionMode", async () => {
    const cp = testControlPlane();
    const res = await cp.app.request("/v1/functions", jsonRequest("POST", { name: "x" }));
    expect(res.status).toBe(400);
    expect((await res.json()).details[0]).toStartWith(
      "executionMode: No managed deployment provider available for function 'x'",
    );
  });
});
