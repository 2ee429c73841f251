/**
 * The contract suite against a compiled single-file binary that embeds the contract handler
 * (`bun runtimes/bun/src/build.ts`), proving the compiled path serves the same contract.
 */
import { afterAll } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBinary } from "../bun/src/build.ts";
import { REPO_ROOT, spawnPod } from "./process-pod.ts";
import { runContractSuite } from "./suite.ts";

const dir = await mkdtemp(join(tmpdir(), "nanofaas-compiled-"));
const binary = join(dir, "contract-pod");
let built: Promise<void> | undefined;

afterAll(() => rm(dir, { recursive: true, force: true }));

runContractSuite("bun runtime, compiled binary", async (env) => {
  built ??= buildBinary({ handler: join(REPO_ROOT, "runtimes/contract/handlers/contract.ts"), outfile: binary });
  await built;
  return spawnPod({ cmd: [binary], env });
});
