/**
 * The contract suite against the Java runtime (runtimes/java, the JDK's HTTP server), serving
 * runtimes/java/contract/ContractHandler.java. Tools tier: installs openjdk-17-jdk-headless when missing.
 */
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { spawnPod } from "./process-pod.ts";
import { runContractSuite } from "./suite.ts";
import { buildDir, buildJava, javaPodCommand } from "./toolchains.ts";

const dir = buildDir("java-contract");
let built: Promise<string> | undefined;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the hand-written JSON reader/writer passes its checks (runtimes/java/test/JsonCheck.java)", async () => {
  const jar = await buildJava(join(dir, "json-check.jar"), "JsonCheck", "runtimes/java/test");
  const proc = Bun.spawnSync(["java", "-jar", jar]);
  expect(proc.stdout.toString().trim()).toBe("ok");
  expect(proc.exitCode).toBe(0);
}, 120_000);

runContractSuite("java runtime", async (env) => {
  built ??= buildJava(join(dir, "contract.jar"), "ContractHandler", "runtimes/java/contract");
  return spawnPod({ cmd: javaPodCommand(await built), env, readyTimeoutMs: 20_000 });
});
