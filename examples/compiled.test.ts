/**
 * The compile path of runtimes/bun/README.md on a real example: `build.ts` turns the word-stats
 * handler into one executable that serves every payload with nothing else on disk, and stops
 * cleanly on SIGTERM.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBinary } from "../runtimes/bun/src/build.ts";
import { invoke } from "../runtimes/contract/client.ts";
import { POD_HOOK_TIMEOUT_MS, type ProcessPod, spawnPod } from "../runtimes/contract/process-pod.ts";
import { EXAMPLES_DIR, loadPayloads } from "./harness/payloads.ts";

let dir: string;
let pod: ProcessPod;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nanofaas-word-stats-"));
  await buildBinary({
    handler: join(EXAMPLES_DIR, "word-stats", "ts", "handler.ts"),
    outfile: join(dir, "build", "word-stats"),
  });
  // Run a copy from a directory that holds nothing else: the handler must be inside the binary.
  await copyFile(join(dir, "build", "word-stats"), join(dir, "word-stats"));
  await rm(join(dir, "build"), { recursive: true });
  pod = await spawnPod({ cmd: [join(dir, "word-stats")] });
}, POD_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await pod?.stop();
  await rm(dir, { recursive: true, force: true });
});

test("the compiled word-stats binary answers every payload", async () => {
  for (const payload of loadPayloads("word-stats")) {
    const reply = await invoke(pod.baseUrl, payload.input);
    expect({ file: payload.file, status: reply.status, body: reply.json }).toEqual({
      file: payload.file,
      status: 200,
      body: payload.expected,
    });
  }
});

test("the compiled binary exits 0 on SIGTERM", async () => {
  pod.signal?.("SIGTERM");
  expect(await pod.exited).toBe(0);
});
