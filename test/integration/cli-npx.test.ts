/**
 * Issue 14.2: on a machine with only Node and npm, `npx nanofaas …` runs the CLI (package.json
 * `bin` → cli/bin/nanofaas.js, which starts the checkout's Bun), and what `init` prints and
 * generates works as written. Every command here runs with a PATH of node, npm, npx and the system
 * directories (/usr/bin, /bin), so nothing leans on a `bun`, `just` or `nanofaas` the developer
 * installed elsewhere (~/.bun/bin, /usr/local/bin).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closedPortUrl, REPO_ROOT } from "../../cli/test/harness";
import { loadConfig } from "../../src/config/config";
import { createProcessDeployer, type ProcessDeployer } from "../../src/deploy/process/process-deployer";
import { VERSION } from "../../src/lib/version";
import { type Served, serveControlPlane, testControlPlane } from "../support/control-plane";

const SHIM = join(REPO_ROOT, "cli/bin/nanofaas.js");
let work: string;
let served: Served;
let deployer: ProcessDeployer;
let env: Record<string, string>;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "nanofaas-npx-"));
  const bin = join(work, "bin");
  mkdirSync(bin);
  for (const tool of ["node", "npm", "npx", "bash"]) {
    const found = Bun.which(tool);
    if (!found) throw new Error(`${tool} is not on PATH: this test needs Node, npm and bash`);
    symlinkSync(found, join(bin, tool));
  }
  deployer = createProcessDeployer(
    loadConfig({ NANOFAAS_DEPLOYMENT_BACKEND: "process", NANOFAAS_PROCESS_ALLOWED_COMMANDS: "bun" }),
    { output: () => undefined },
  );
  served = serveControlPlane(testControlPlane({}, { deployer }));
  const home = join(work, "home");
  mkdirSync(home);
  env = {
    PATH: `${bin}:/usr/bin:/bin`,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    NANOFAAS_ENDPOINT: served.url,
    NPM_CONFIG_UPDATE_NOTIFIER: "false",
    NO_COLOR: "1",
  };
});
afterAll(async () => {
  await deployer.close();
  await served.stop();
  rmSync(work, { recursive: true, force: true });
});

async function sh(command: string, options: { cwd?: string; stdin?: string; extraEnv?: Record<string, string> } = {}) {
  const proc = Bun.spawn(["bash", "-c", command], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...env, ...options.extraEnv },
    stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

describe("the npx shim", () => {
  test("npx nanofaas works in the checkout after npm install", async () => {
    expect(await sh("npx nanofaas --version")).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    expect((await sh("npx nanofaas --help", { cwd: join(REPO_ROOT, "cli") })).stdout).toContain("Usage: nanofaas");
  }, 60_000);

  test("arguments, stdin, stdout, stderr and the exit code pass through", async () => {
    expect((await sh(`node ${SHIM} fn apply -f cli/test/echo-function.yaml`)).stdout).toBe(
      "function/cli-echo created\n",
    );
    expect(await sh(`node ${SHIM} invoke cli-echo -d @-`, { stdin: '{"from": "stdin"}' })).toMatchObject({
      code: 0,
      stdout: '{\n  "from": "stdin"\n}\n',
    });
    const unreachable = await sh(`node ${SHIM} fn list --endpoint ${closedPortUrl()}`);
    expect(unreachable.code).toBe(5);
    expect(unreachable.stderr).toStartWith("nanofaas: cannot reach nanofaas at");
    expect((await sh(`node ${SHIM} fn list --no-such-flag`)).code).toBe(2);
  });

  test("without Bun it says what to do and exits 127", async () => {
    const copy = join(work, "no-bun-checkout");
    mkdirSync(join(copy, "cli/bin"), { recursive: true });
    await Bun.write(join(copy, "cli/bin/nanofaas.js"), Bun.file(SHIM));
    // PATH: node and bash alone, so no system-wide bun can be found either.
    const result = await sh(`node ${join(copy, "cli/bin/nanofaas.js")} --version`, {
      extraEnv: { PATH: join(work, "bin") },
    });
    expect(result.code).toBe(127);
    expect(result.stderr).toStartWith(
      `nanofaas: cannot start Bun (bun): spawn bun ENOENT — run \`npm install\` in ${copy} (it installs Bun) or put bun on PATH\n`,
    );
  });

  test("a signal reaches the CLI, and the shim dies of it too", async () => {
    let aborted: () => void = () => undefined;
    const seen = Promise.withResolvers<void>();
    const gone = new Promise<void>((resolve) => (aborted = resolve));
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (req) => {
        seen.resolve();
        req.signal.addEventListener("abort", aborted);
        return new Promise<Response>(() => undefined); // never answers
      },
    });
    try {
      const proc = Bun.spawn(["node", SHIM, "fn", "list", "--endpoint", server.url.href], {
        env,
        stdout: "ignore",
        stderr: "ignore",
      });
      await seen.promise;
      proc.kill("SIGTERM");
      await proc.exited;
      expect(proc.signalCode).toBe("SIGTERM");
      await gone; // the Bun process holding the connection is gone as well
    } finally {
      server.stop(true);
    }
  });
});

describe("init's hints and the scaffold's recipes, as written", () => {
  const dir = () => join(work, "greeter");

  test("every next step init prints runs as written", async () => {
    const init = await sh(`npx nanofaas init greeter --runtime ts --dir ${dir()}`);
    expect(init.code).toBe(0);
    const steps = init.stdout
      .split("\n")
      .filter((line) => line.startsWith("  "))
      .map((line) => line.replace(/#.*$/, "").trim());
    expect(steps).toEqual([
      `npx nanofaas fn apply -f ${dir()}/function.yaml`,
      `npx nanofaas invoke greeter --payload ${dir()}/payloads/happy-path.json`,
      `npx just --justfile ${dir()}/justfile --list`,
    ]);
    expect(await sh(steps[0]!)).toMatchObject({ code: 0, stdout: "function/greeter created\n" });
    expect(JSON.parse((await sh(steps[1]!)).stdout)).toEqual({ message: "Hello, Ada!" });
    const recipes = await sh(steps[2]!);
    expect(recipes.code).toBe(0);
    expect(recipes.stdout).toMatch(/^\s+run\s+# serve the handler/m);
  }, 90_000);

  test("just deploy and just invoke use the checkout's CLI", async () => {
    // Outside the checkout `npx just` would look in the registry; its own copy is what init names there.
    const just = join(REPO_ROOT, "node_modules/.bin/just");
    expect((await sh(`${just} deploy`, { cwd: dir() })).stdout).toBe("function/greeter unchanged\n");
    const invoked = await sh(`${just} invoke`, { cwd: dir() });
    expect(invoked.code).toBe(0);
    expect(invoked.stdout.replace(/\s+/g, "")).toBe('{"message":"Hello,Ada!"}{"message":"Hello,world!"}');
  }, 60_000);

  test("just run serves the handler with the checkout's Bun", async () => {
    const port = new URL(closedPortUrl()).port;
    // Its own process group, so the whole chain (just → bash → bun) can be stopped at once.
    const run = spawn(join(REPO_ROOT, "node_modules/.bin/just"), ["run"], {
      cwd: dir(),
      env: { ...env, PORT: port },
      detached: true,
      stdio: "ignore",
    });
    try {
      const deadline = Date.now() + 30_000;
      let health: Response | undefined;
      while (!health?.ok && Date.now() < deadline) {
        health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
        if (!health?.ok) await Bun.sleep(100);
      }
      expect(health?.status).toBe(200);
      const res = await fetch(`http://127.0.0.1:${port}/invoke`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-execution-id": "e-1" },
        body: JSON.stringify({ input: { name: "Ada" } }),
      });
      expect(await res.json()).toEqual({ message: "Hello, Ada!" });
    } finally {
      process.kill(-run.pid!, "SIGTERM");
    }
  }, 60_000);
});
