/**
 * Issue 14.8: the CLI commands next to faas-cli's and kn's — `fn scale [--wait]`, `fn describe`,
 * state in `fn list`/`fn get`, `version` and `completion` — as a subprocess against a live control
 * plane. A fake deployer stands in for the backend: it records the replica counts it is asked for
 * and makes up to `capacity` of them ready shortly after.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliSandbox, cliSandbox, closedPortUrl } from "../../cli/test/harness";
import type { Deployer } from "../../src/deploy/deployer";
import { VERSION } from "../../src/lib/version";
import { type Served, serveControlPlane, testControlPlane } from "../support/control-plane";

let served: Served;
let cli: CliSandbox;
let scripts: string;
const asked: number[] = [];
const desired = new Map<string, number>();
const ready = new Map<string, number>();
let capacity = 10;

beforeAll(async () => {
  const deployer: Deployer = {
    id: "fake",
    provision: async (fn) => {
      desired.set(fn.name, 1);
      return { endpointUrl: "http://127.0.0.1:9/invoke" };
    },
    deprovision: async () => undefined,
    setReplicas: async (name, n) => {
      asked.push(n);
      desired.set(name, n);
      setTimeout(() => ready.set(name, Math.min(n, capacity)), 150);
    },
    readyReplicas: (name) => ready.get(name) ?? 0,
    desiredReplicas: (name) => desired.get(name),
    pickEndpoint: () => undefined,
    onReadyChange: () => () => undefined,
    close: async () => undefined,
  };
  served = serveControlPlane(testControlPlane({}, { deployer }));
  cli = cliSandbox({ NANOFAAS_ENDPOINT: served.url });
  scripts = mkdtempSync(join(tmpdir(), "nanofaas-completion-"));
  for (const [name, body] of [
    ["dep", { name: "dep", image: "x/dep:1" }],
    ["loc", { name: "loc", executionMode: "LOCAL" }],
  ] as const) {
    const res = await fetch(`${served.url}/v1/functions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`register ${name}: ${res.status} ${await res.text()}`);
  }
});
afterAll(async () => {
  await served.stop();
  cli.cleanup();
  rmSync(scripts, { recursive: true, force: true });
});

describe("fn scale", () => {
  test("sets the replica count through PUT …/replicas", async () => {
    expect(await cli.run(["fn", "scale", "dep", "--replicas", "3"])).toMatchObject({
      code: 0,
      stdout: "function/dep scaled to 3 replicas\n",
    });
    expect(await cli.json(["fn", "scale", "dep", "--replicas", "0"])).toEqual({ function: "dep", replicas: 0 });
    expect(asked.slice(-2)).toEqual([3, 0]);
  });

  test("bad counts are usage errors; the server's refusals keep their exit codes", async () => {
    const negative = await cli.run(["fn", "scale", "dep", "--replicas", "-1"]);
    expect(negative.code).toBe(2);
    const word = await cli.run(["fn", "scale", "dep", "--replicas", "many"]);
    expect(word).toMatchObject({
      code: 2,
      stderr: "nanofaas: --replicas must be a whole number, 0 or more (got 'many')\n",
    });
    expect((await cli.run(["fn", "scale", "dep"])).stderr).toContain("--replicas <n>");
    expect((await cli.run(["fn", "scale", "nope", "--replicas", "1"])).code).toBe(3);
    const local = await cli.run(["fn", "scale", "loc", "--replicas", "1"]);
    expect(local).toMatchObject({
      code: 4,
      stderr: "nanofaas: BAD_REQUEST: Function 'loc' is not in DEPLOYMENT mode\n",
    });
    expect(asked).not.toContain(1);
  });
});

describe("state: fn list, fn get, fn describe, fn scale --wait", () => {
  test("list and get show the state and ready/desired replicas", async () => {
    desired.set("dep", 2);
    ready.set("dep", 1);
    const list = (await cli.run(["fn", "list"])).stdout.trim().split("\n");
    expect(list.slice(1).map((l) => l.split(/\s+/).slice(0, 5))).toEqual([
      ["dep", "DEPLOYMENT", "Progressing", "1/2", "fake"],
      ["loc", "LOCAL", "Ready", "-", "-"],
    ]);
    expect((await cli.run(["fn", "get", "dep"])).stdout).toMatch(
      /\nstate\s+Progressing\nreplicas \(ready\/desired\)\s+1\/2\n$/,
    );
    expect((await cli.json<{ status: unknown }>(["fn", "get", "loc"])).status).toEqual({ state: "Ready" });
  });

  test("describe shows the spec, then the state", async () => {
    ready.set("dep", 2);
    const text = (await cli.run(["fn", "describe", "dep"])).stdout;
    expect(text).toStartWith("Name:       dep\nMode:       DEPLOYMENT\nBackend:    fake\nImage:      x/dep:1\n");
    expect(text).toMatch(
      /\nScaling: {4}INTERNAL, \d+–\d+ replicas\n\nState: {6}Ready\nReplicas: {3}2 ready of 2 desired\n$/,
    );
    expect(await cli.json(["fn", "describe", "loc"])).toMatchObject({ name: "loc", status: { state: "Ready" } });
    expect((await cli.run(["fn", "describe", "nope"])).code).toBe(3);
  });

  test("scale --wait reports progress on stderr until the replicas are ready", async () => {
    const result = await cli.run(["fn", "scale", "dep", "--replicas", "2", "--wait", "--interval", "50ms"]);
    expect(result).toMatchObject({ code: 0, stdout: "function/dep scaled to 2 replicas\n" });
    expect(result.stderr.trim().split("\n").at(-1)).toBe("function/dep: 2/2 replicas ready");
    expect(ready.get("dep")).toBe(2);
  });

  test("scale --wait gives up after --timeout with exit 6 and says where to look", async () => {
    capacity = 1;
    try {
      const result = await cli.run([
        "fn",
        "scale",
        "dep",
        "--replicas",
        "3",
        "--wait",
        "--interval",
        "50ms",
        "--timeout",
        "600ms",
      ]);
      expect(result.code).toBe(6);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("function/dep: 1/3 replicas ready\n");
      expect(result.stderr).toEndWith(
        "nanofaas: function/dep has 1 of 3 replicas ready after 600 ms (--timeout); they may still be starting: see `nanofaas fn describe dep`\n",
      );
      expect((await cli.run(["fn", "scale", "dep", "--replicas", "1", "--wait", "--timeout", "soon"])).code).toBe(2);
    } finally {
      capacity = 10;
    }
  });
});

describe("version", () => {
  test("prints the CLI's and the server's version", async () => {
    const table = await cli.run(["version"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toBe(`FIELD   VALUE\nclient  ${VERSION}\nserver  test (${served.url})\n`);
    expect(await cli.json(["version"])).toEqual({ client: VERSION, server: { version: "test", endpoint: served.url } });
  });

  test("an unreachable server still prints the CLI's version, says why on stderr, exits 0", async () => {
    const down = closedPortUrl();
    const result = await cli.run(["version", "-o", "json", "--endpoint", down]);
    expect(result.code).toBe(0);
    expect(result.stderr).toStartWith(`nanofaas: cannot reach nanofaas at ${down} (connection refused)`);
    expect(JSON.parse(result.stdout)).toMatchObject({
      client: VERSION,
      server: null,
      serverError: expect.stringContaining("connection refused"),
    });
  });
});

describe("completion", () => {
  const script = async (shell: string) => {
    const result = await cli.run(["completion", shell]);
    expect(result.code).toBe(0);
    const path = join(scripts, shell);
    writeFileSync(path, result.stdout);
    return { path, text: result.stdout };
  };

  /** Sources the bash script and completes the words (the last one is being typed). */
  async function completeInBash(path: string, words: string[]): Promise<string[]> {
    const command = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _nanofaas; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const proc = Bun.spawn(["bash", "-c", command, "bash", path, ...words], { stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    if (code !== 0 || err) throw new Error(`bash completion failed (${code}): ${err}`);
    return out.split("\n").filter(Boolean);
  }

  test("bash: the script parses and completes commands, aliases, options and their values", async () => {
    const { path } = await script("bash");
    const syntax = Bun.spawnSync(["bash", "-n", path], { stderr: "pipe" });
    expect(syntax.exitCode).toBe(0);
    expect(await completeInBash(path, ["nanofaas", "fn", "s"])).toEqual(["scale"]);
    expect(await completeInBash(path, ["nanofaas", "f"])).toEqual(["fn"]);
    expect(await completeInBash(path, ["nanofaas", "fn", "ls", "--o"])).toEqual(["--output"]);
    expect(await completeInBash(path, ["nanofaas", "fn", "scale", "dep", "--r"])).toEqual(["--replicas"]);
    expect(await completeInBash(path, ["nanofaas", "-o", ""])).toEqual(["table", "json", "yaml"]);
    // An option's value is not mistaken for a command: `fn` after `--endpoint URL` is still `fn`.
    expect(await completeInBash(path, ["nanofaas", "--endpoint", "fn", "fn", "sc"])).toEqual(["scale"]);
    expect(await completeInBash(path, ["nanofaas", "completion", "z"])).toEqual(["zsh"]);
    expect(await completeInBash(path, ["nanofaas", "init", "x", "--runtime", "p"])).toEqual(["python"]);
  });

  test("zsh runs the same completion through bashcompinit", async () => {
    const { text } = await script("zsh");
    expect(text).toStartWith("#compdef nanofaas\n");
    expect(text).toContain("autoload -U +X bashcompinit && bashcompinit");
    const bash = (await cli.run(["completion", "bash"])).stdout;
    expect(text).toContain(bash.slice(bash.indexOf("_nanofaas_commands() {")));
  });

  test("fish: one complete line per command, conditioned on the path typed so far", async () => {
    const { text } = await script("fish");
    expect(text).toContain(
      `complete -c nanofaas -n '__nanofaas_at \\'fn\\'' -a 'scale' -d 'set a DEPLOYMENT function\\'s replica count`,
    );
    expect(text).toContain(
      `complete -c nanofaas -n '__nanofaas_at \\'fn list\\' \\'fn ls\\'' -s o -l output -x -a 'table json yaml'`,
    );
    expect(text).toContain(`complete -c nanofaas -n '__nanofaas_at \\'\\'' -a 'version'`);
  });

  test("an unknown shell is a usage error naming the choices", async () => {
    const result = await cli.run(["completion", "powershell"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Allowed choices are bash, zsh, fish");
  });
});
