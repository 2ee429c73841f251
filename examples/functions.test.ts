/**
 * Every spec in examples/functions is a valid FunctionSpec, and starting it the way the process
 * backend does (repository root as cwd, PORT chosen for it, the platform's env vars; the watchdog
 * when there is no `command`) yields a pod that answers every payload of its example.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { FunctionSpec } from "../src/domain/function-spec.ts";
import { call, invoke } from "../runtimes/contract/client.ts";
import { POD_HOOK_TIMEOUT_MS, type ProcessPod, spawnPod } from "../runtimes/contract/process-pod.ts";
import { EXAMPLES_DIR, FAMILIES, type Family, loadPayloads } from "./harness/payloads.ts";

const dir = join(EXAMPLES_DIR, "functions");
const specs = readdirSync(dir)
  .filter((file) => file.endsWith(".yaml"))
  .sort()
  .map((file) => ({ file, spec: FunctionSpec.parse(parse(readFileSync(join(dir, file), "utf8"))) }));

test("one spec per example and language, plus the STDIO example", () => {
  expect(specs.map((s) => s.spec.name).sort()).toEqual([
    "json-transform",
    "json-transform-python",
    "roman-numeral",
    "roman-numeral-python",
    "stdio-upper",
    "word-stats",
    "word-stats-python",
  ]);
  for (const { file, spec } of specs) {
    expect(file).toBe(`${spec.name}.yaml`);
    expect(spec.executionMode).toBe("DEPLOYMENT");
    expect(spec.scalingConfig).toMatchObject({ minReplicas: 1, maxReplicas: 2 });
  }
});

/** The argv and env the process backend uses for a spec (src/deploy/process/launch.ts). */
function launch(spec: FunctionSpec): { cmd: string[]; env: Record<string, string> } {
  const env = {
    FUNCTION_NAME: spec.name,
    WARM: "true",
    TIMEOUT_MS: String(spec.timeoutMs ?? 30_000),
    EXECUTION_MODE: spec.runtimeMode ?? "HTTP",
  };
  if (spec.command?.length) {
    const [program, ...args] = spec.command;
    // `bun` is on PATH under `npm start`; in a test run, the bun running the tests is the one.
    return { cmd: [program === "bun" ? process.execPath : program!, ...args], env };
  }
  return { cmd: [process.execPath, "watchdog/src/main.ts"], env: { ...env, WATCHDOG_CMD: spec.runtimeCommand! } };
}

describe("each spec starts a pod that serves its example", () => {
  const pods = new Map<string, ProcessPod>();
  beforeAll(async () => {
    const started = await Promise.all(
      specs.map(async ({ spec }) => [spec.name, await spawnPod(launch(spec))] as const),
    );
    for (const [name, pod] of started) pods.set(name, pod);
  }, POD_HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all([...pods.values()].map((pod) => pod.stop()));
    for (const pod of pods.values()) expect(pod.exitCode()).not.toBeNull();
  }, POD_HOOK_TIMEOUT_MS);

  for (const { spec } of specs.filter((s) => s.spec.name !== "stdio-upper")) {
    const family = FAMILIES.find((f) => spec.name === f || spec.name === `${f}-python`) as Family;
    test(`${spec.name}: every ${family} payload`, async () => {
      const pod = pods.get(spec.name)!;
      expect((await call(pod.baseUrl, "/health")).status).toBe(200);
      for (const payload of loadPayloads(family)) {
        const reply = await invoke(pod.baseUrl, payload.input);
        expect({ file: payload.file, status: reply.status, body: reply.json }).toEqual({
          file: payload.file,
          status: 200,
          body: payload.expected,
        });
      }
    });
  }

  test("stdio-upper: the watchdog runs the filter per invocation", async () => {
    const pod = pods.get("stdio-upper")!;
    const reply = await invoke(pod.baseUrl, { greeting: "hello", tags: ["a", "b"], n: 1 });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ greeting: "HELLO", tags: ["A", "B"], n: 1 });
  });
});
