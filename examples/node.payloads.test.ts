/**
 * The TypeScript examples, bundled for Node.js (`build.ts --node`) and served by the runtime under
 * `node`, answer every payload of their family's table — the same handlers as under Bun.
 */
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBinary } from "../runtimes/bun/src/build.ts";
import { spawnPod } from "../runtimes/contract/process-pod.ts";
import { describePodPayloads } from "./harness/pod-payloads.ts";
import { EXAMPLES_DIR, FAMILIES } from "./harness/payloads.ts";

const dir = mkdtempSync(join(tmpdir(), "nanofaas-node-examples-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const family of FAMILIES) {
  describePodPayloads("node", family, async () => {
    const outfile = join(dir, `${family}.mjs`);
    await buildBinary({ handler: join(EXAMPLES_DIR, family, "ts", "handler.ts"), outfile, node: true });
    return spawnPod({ cmd: ["node", outfile] });
  });
}
