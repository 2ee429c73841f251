/**
 * The Java ports of the examples (examples/<family>/java), built with javac/jar and served by the
 * Java runtime, answer every payload of their family's table. Tools tier: installs
 * openjdk-17-jdk-headless when missing.
 */
import { afterAll } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { spawnPod } from "../runtimes/contract/process-pod.ts";
import { buildDir, buildJava, javaPodCommand } from "../runtimes/contract/toolchains.ts";
import { describePodPayloads } from "./harness/pod-payloads.ts";
import { FAMILIES } from "./harness/payloads.ts";

const dir = buildDir("java-examples");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** examples/word-stats/java/WordStats.java → WordStats */
const mainClass = (family: string) => family.replace(/(^|-)(\w)/g, (_m, _dash, c: string) => c.toUpperCase());

for (const family of FAMILIES) {
  describePodPayloads("java", family, async () => {
    const jar = await buildJava(join(dir, `${family}.jar`), mainClass(family), `examples/${family}/java`);
    return spawnPod({ cmd: javaPodCommand(jar), readyTimeoutMs: 20_000 });
  });
}
