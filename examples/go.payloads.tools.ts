/**
 * The Go ports of the examples (examples/<family>/go), built as static binaries and served by the
 * Go runtime, answer every payload of their family's table. Tools tier: installs golang-go when missing.
 */
import { afterAll } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { spawnPod } from "../runtimes/contract/process-pod.ts";
import { buildDir, buildGo } from "../runtimes/contract/toolchains.ts";
import { describePodPayloads } from "./harness/pod-payloads.ts";
import { FAMILIES } from "./harness/payloads.ts";

const dir = buildDir("go-examples");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const family of FAMILIES) {
  describePodPayloads("go", family, async () =>
    spawnPod({ cmd: [await buildGo(`examples/${family}/go`, join(dir, family))] }),
  );
}
