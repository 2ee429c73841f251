/**
 * The "done when": for each runtime, the CLI (a subprocess) scaffolds a function with
 * `init`, and a live control plane with the real `process` backend runs it —
 * init → fn apply → invoke → enqueue → exec get --watch → fn apply (no-op) → fn delete.
 * The scaffold lives in a temp directory outside the checkout, so init must find the runtimes
 * through the CLI's own checkout and write absolute paths.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliSandbox, cliSandbox } from "../../cli/test/harness";
import { loadConfig } from "../../src/config/config";
import { createProcessDeployer, type ProcessDeployer } from "../../src/deploy/process/process-deployer";
import { type Served, serveControlPlane, testControlPlane } from "../support/control-plane";

let served: Served;
let deployer: ProcessDeployer;
let cli: CliSandbox;
let work: string;
const logs: string[] = [];

beforeAll(() => {
  deployer = createProcessDeployer(
    loadConfig({ NANOFAAS_DEPLOYMENT_BACKEND: "process", NANOFAAS_PROCESS_ALLOWED_COMMANDS: "bun,python3" }),
    {
      output: (line) => void logs.push(line),
    },
  );
  served = serveControlPlane(testControlPlane({}, { deployer }));
  cli = cliSandbox({ NANOFAAS_ENDPOINT: served.url });
  work = mkdtempSync(join(tmpdir(), "nanofaas-init-"));
});
afterAll(async () => {
  await deployer.close();
  await served.stop();
  cli.cleanup();
  rmSync(work, { recursive: true, force: true });
});

const payload = (dir: string, name: string) =>
  JSON.parse(readFileSync(join(dir, "payloads", name), "utf8")) as { input: unknown; expected: unknown };

async function ok(args: string[]): Promise<string> {
  const result = await cli.run(args, { cwd: work });
  if (result.code !== 0)
    throw new Error(`nanofaas ${args.join(" ")} → ${result.code}\n${result.stderr}\n${logs.slice(-20).join("\n")}`);
  return result.stdout;
}

for (const runtime of ["ts", "python"] as const) {
  describe(`init --runtime ${runtime} → apply → invoke → enqueue → exec get → delete`, () => {
    const name = `greeter-${runtime}`;
    const dir = () => join(work, name);

    test("init scaffolds handler, payloads, spec, justfile and Dockerfile", async () => {
      const out = await ok(["init", name, "--runtime", runtime]);
      expect(out).toContain(`nanofaas fn apply -f ${name}/function.yaml`);
      const files = JSON.parse(
        await ok(["init", `${name}-again`, "-r", runtime, "--dir", join(work, "again", runtime), "-o", "json"]),
      ).files;
      const handler = runtime === "ts" ? "handler.ts" : "handler.py";
      expect(files).toEqual([
        ".gitignore",
        "Dockerfile",
        "README.md",
        "function.yaml",
        handler,
        "justfile",
        "payloads/happy-path.json",
        "payloads/missing-name.json",
      ]);
      const spec = readFileSync(join(dir(), "function.yaml"), "utf8");
      expect(spec).toContain("executionMode: DEPLOYMENT");
      // Outside the checkout the runtime path is absolute (a relative one would climb out of /tmp).
      expect(spec).toMatch(
        runtime === "ts"
          ? /command: \["bun", "\/[^"]+\/runtimes\/bun\/src\/main.ts", ".\/handler.ts"\]/
          : /command: \["python3", "\/[^"]+\/runtimes\/python\/run.py", ".\/handler.py"\]/,
      );
      const again = await cli.run(["init", name, "--runtime", runtime], { cwd: work });
      expect(again.code).toBe(2);
      expect(again.stderr).toContain("already exists and is not empty");
    });

    test("apply registers it on the process backend; invoke answers the payload's expected output", async () => {
      expect(await ok(["fn", "apply", "-f", `${name}/function.yaml`])).toBe(`function/${name} created\n`);
      const fn = JSON.parse(await ok(["fn", "get", name, "-o", "json"]));
      expect(fn).toMatchObject({ effectiveExecutionMode: "DEPLOYMENT", deploymentBackend: "process" });
      const happy = payload(dir(), "happy-path.json");
      expect(JSON.parse(await ok(["invoke", name, "--payload", `${name}/payloads/happy-path.json`]))).toEqual(
        happy.expected,
      );
    });

    test("enqueue + exec get --watch reach success with the expected output", async () => {
      const id = (await ok(["enqueue", name, "--payload", `${name}/payloads/missing-name.json`])).trim();
      const lines = (await ok(["exec", "get", id, "--watch", "--interval", "50ms", "-o", "json"])).trim().split("\n");
      const last = JSON.parse(lines.at(-1)!);
      expect(last).toMatchObject({
        executionId: id,
        status: "success",
        output: payload(dir(), "missing-name.json").expected,
      });
    });

    test("a handler error exits 1; re-applying the unchanged spec is a no-op", async () => {
      const failed = await cli.run(["invoke", name, "-d", "[1]"], { cwd: work });
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain("BAD_INPUT");
      expect(await ok(["fn", "apply", "-f", `${name}/function.yaml`])).toBe(`function/${name} unchanged\n`);
    });

    test("delete removes the function and stops its replicas", async () => {
      expect(await ok(["fn", "delete", name])).toBe(`function/${name} deleted\n`);
      expect(deployer.readyReplicas(name)).toBe(0);
      expect((await cli.run(["invoke", name, "-d", "{}"], { cwd: work })).code).toBe(3);
    });
  });
}
