/**
 * The contract suite against the Java runtime (runtimes/java, the JDK's HTTP server), serving
 * runtimes/java/contract/ContractHandler.java. Tools tier: installs openjdk-17-jdk-headless when missing.
 */
import { afterAll } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { spawnPod } from "./process-pod.ts";
import { runContractSuite } from "./suite.ts";
import { buildDir, buildJava, javaPodCommand } from "./toolchains.ts";

const dir = buildDir("java-contract");
let built: Promise<string> | undefined;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runContractSuite("java runtime", async (env) => {
  built ??= buildJava(join(dir, "contract.jar"), "ContractHandler", "runtimes/java/contract");
  return spawnPod({ cmd: javaPodCommand(await built), env, readyTimeoutMs: 20_000 });
});
