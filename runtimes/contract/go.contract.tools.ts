/**
 * The contract suite against the Go runtime (runtimes/go), serving runtimes/go/cmd/contract as a
 * static binary. Tools tier (`just test-tools`): installs golang-go from Debian when missing.
 */
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { FAMILIES } from "../../examples/harness/payloads.ts";
import { spawnPod } from "./process-pod.ts";
import { runContractSuite } from "./suite.ts";
import { buildDir, buildGo, testGo } from "./toolchains.ts";

const dir = buildDir("go-contract");
let built: Promise<string> | undefined;
function contractBinary(): Promise<string> {
  built ??= buildGo("runtimes/go", join(dir, "contract-pod"), "./cmd/contract");
  return built;
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the Go runtime and examples are gofmt-clean, vetted and pass their own tests", async () => {
  for (const module of ["runtimes/go", ...FAMILIES.map((f) => `examples/${f}/go`)]) await testGo(module);
}, 120_000);

test("the Go pod is a static binary (it runs in a FROM-scratch image)", async () => {
  const binary = await contractBinary();
  // A dynamically linked ELF names its loader in a PT_INTERP segment; a static one has none.
  const bytes = new Uint8Array(await Bun.file(binary).arrayBuffer());
  expect(new TextDecoder("latin1").decode(bytes.subarray(0, 4096))).not.toContain("ld-linux");
}, 120_000);

runContractSuite("go runtime", async (env) => {
  const binary = await contractBinary();
  return spawnPod({ cmd: [binary], env });
});
