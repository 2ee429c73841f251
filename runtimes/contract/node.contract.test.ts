/**
 * The contract suite against the TypeScript runtime under Node.js (≥ 20) rather than Bun: the
 * contract handler bundled for Node (`build.ts --node`), served by `node:http` (node-server.ts).
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBinary } from "../bun/src/build.ts";
import { REPO_ROOT, spawnPod } from "./process-pod.ts";
import { runContractSuite } from "./suite.ts";

const dir = await mkdtemp(join(tmpdir(), "nanofaas-node-"));
const bundle = join(dir, "contract-pod.mjs");
let built: Promise<void> | undefined;

afterAll(() => rm(dir, { recursive: true, force: true }));

test("node is 20 or newer (the runtime's promise)", () => {
  const version = Bun.spawnSync(["node", "--version"]).stdout.toString().trim();
  expect(Number(/^v(\d+)\./.exec(version)?.[1])).toBeGreaterThanOrEqual(20);
});

runContractSuite("typescript runtime on node", async (env) => {
  built ??= buildBinary({
    handler: join(REPO_ROOT, "runtimes/contract/handlers/contract.ts"),
    outfile: bundle,
    node: true,
  });
  await built;
  return spawnPod({ cmd: ["node", bundle], env });
});
