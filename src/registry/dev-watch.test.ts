/**
 * The dev loop on the real process backend: saving a function's handler restarts that function's
 * replicas (the new code answers) and no other function's; editor temp files restart nothing.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUN, fn, LogSink, testConfig } from "../deploy/process/fixtures/harness";
import { createProcessDeployer } from "../deploy/process/process-deployer";
import { until } from "../../test/support/until";
import { sourceDirs, watchFunctionSources } from "./dev-watch";

const REPO = join(import.meta.dir, "../..");
const RUNTIME = join(REPO, "runtimes/bun/src/main.ts");
const dirs = [mkdtempSync(join(tmpdir(), "dev-a-")), mkdtempSync(join(tmpdir(), "dev-b-"))] as const;
const handler = (dir: string, version: number) =>
  writeFileSync(join(dir, "handler.ts"), `export default async () => ({ version: ${version} });\n`);
const deployer = createProcessDeployer(testConfig({ processAllowedCommands: ["*"] }), {
  output: new LogSink().write,
  timing: { stopGraceMs: 1000 },
});
const logged: string[] = [];
let watcher: { close(): void } | undefined;

afterAll(async () => {
  watcher?.close();
  await deployer.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function versionOf(name: string): Promise<number | undefined> {
  const endpoint = deployer.pickEndpoint(name);
  if (!endpoint) return undefined;
  try {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", "x-execution-id": crypto.randomUUID() },
      body: JSON.stringify({ input: null }),
    });
    return ((await response.json()) as { version?: number }).version;
  } catch {
    return undefined;
  }
}

test("sourceDirs: the folders of the files a command names, relative to the cwd; flags and programs on PATH are not files", () => {
  const f = fn({ name: "s", command: ["bun", "--smol", "runtimes/bun/src/main.ts", "no/such/file.ts"] });
  expect(sourceDirs(f, REPO)).toEqual([join(REPO, "runtimes/bun/src")]);
  const w = fn({ name: "w", command: [], runtimeCommand: `sh ${join(REPO, "justfile")} x` });
  expect(sourceDirs(w, "/")).toEqual([REPO]);
});

test("saving a handler restarts only its function's replicas, and the new code answers within a second or so", async () => {
  const [a, b] = dirs;
  handler(a, 1);
  handler(b, 1);
  const fa = fn({ name: "dev-a", command: [BUN, RUNTIME, join(a, "handler.ts")] });
  const fb = fn({ name: "dev-b", command: [BUN, RUNTIME, join(b, "handler.ts")] });
  await deployer.provision(fa);
  await deployer.provision(fb);
  await until(async () => (await versionOf("dev-a")) === 1 && (await versionOf("dev-b")) === 1, "both ready", {
    timeoutMs: 15_000,
  });
  const [pidB] = deployer.replicaPids("dev-b");
  watcher = watchFunctionSources({
    functions: [fa, fb],
    restart: async (f) => void (await deployer.provision(f)),
    log: (message) => logged.push(message),
    cwd: REPO,
    debounceMs: 50,
  });
  const [pidA] = deployer.replicaPids("dev-a");
  // An editor's swap file is not a change of the function.
  writeFileSync(join(a, ".handler.ts.swp"), "x");
  await Bun.sleep(300);
  expect(deployer.replicaPids("dev-a")).toEqual([pidA!]);
  const saved = performance.now();
  handler(a, 2);
  await until(async () => (await versionOf("dev-a")) === 2, "the new code answering", { timeoutMs: 10_000 });
  const elapsed = performance.now() - saved;
  expect(deployer.replicaPids("dev-a")).not.toEqual([pidA!]);
  expect(deployer.replicaPids("dev-b")).toEqual([pidB!]);
  expect(await versionOf("dev-b")).toBe(1);
  expect(logged).toContain("handler.ts changed: restarting the replicas of 'dev-a'");
  // Under a second on a quiet machine; generous here, the figure is in the test output.
  process.stderr.write(`dev watch: save → new code answering in ${Math.round(elapsed)} ms\n`);
  expect(elapsed).toBeLessThan(5000);
}, 30_000);
