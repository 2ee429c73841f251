/**
 * The `nanofaas` CLI as a subprocess against a live control plane: every command, every output
 * format that scripts use, and the documented exit codes (docs/cli.md).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { type CliSandbox, cliSandbox } from "../../cli/test/harness";
import { type Served, serveControlPlane, testControlPlane } from "../support/control-plane";

let served: Served;
let pod: ReturnType<typeof Bun.serve>;
let cli: CliSandbox;

beforeAll(() => {
  // POOL pod: {"fail": true} → 500 (a function error); {"sleep": ms} answers late; else echoes.
  pod = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: async (req) => {
      const { input } = (await req.json()) as { input: { fail?: boolean; sleep?: number } };
      if (input?.sleep) await Bun.sleep(input.sleep);
      return input?.fail ? new Response("boom", { status: 500 }) : Response.json({ got: input });
    },
  });
  served = serveControlPlane(testControlPlane());
  cli = cliSandbox({ NANOFAAS_ENDPOINT: served.url });
});
afterAll(async () => {
  await served.stop();
  pod.stop(true);
  cli.cleanup();
});

const writeSpec = (file: string, yaml: string) => {
  const path = join(cli.home, file);
  writeFileSync(path, yaml);
  return path;
};

describe("fn", () => {
  test("apply creates, is a no-op when identical, updates in place (a new version) when changed", async () => {
    const spec = writeSpec("echo.yaml", "name: echo\nexecutionMode: LOCAL\ntimeoutMs: 1000\nx-cli: {ignored: true}\n");
    const created = await cli.run(["fn", "apply", "-f", spec]);
    expect(created).toMatchObject({ code: 0, stdout: "function/echo created\n" });
    expect(await cli.json(["fn", "apply", "-f", spec])).toEqual({ name: "echo", action: "unchanged" });
    writeSpec("echo.yaml", "name: echo\nexecutionMode: LOCAL\ntimeoutMs: 2000\n");
    const updated = await cli.run(["fn", "apply", "-f", spec]);
    expect(updated).toMatchObject({ code: 0, stdout: "function/echo updated to version 2 (changed: timeoutMs)\n" });
    expect(await cli.json<{ timeoutMs: number; version: number }>(["fn", "get", "echo"])).toMatchObject({
      timeoutMs: 2000,
      version: 2,
    });
    expect(await cli.json(["fn", "apply", "-f", spec, "--force"])).toEqual({
      name: "echo",
      action: "updated",
      changed: [],
      version: 3,
    });
  });

  test("versions lists the history; rollback goes back to the previous version", async () => {
    const spec = writeSpec("hist.yaml", "name: hist\nexecutionMode: LOCAL\ntimeoutMs: 1000\n");
    await cli.run(["fn", "apply", "-f", spec]);
    writeSpec("hist.yaml", "name: hist\nexecutionMode: LOCAL\ntimeoutMs: 3000\n");
    await cli.run(["fn", "apply", "-f", spec]);
    const versions = await cli.json<{ items: { version: number; spec: { timeoutMs: number } }[] }>([
      "fn",
      "versions",
      "hist",
    ]);
    expect(versions.items.map((v) => [v.version, v.spec.timeoutMs])).toEqual([
      [1, 1000],
      [2, 3000],
    ]);
    const back = await cli.run(["fn", "rollback", "hist"]);
    expect(back).toMatchObject({ code: 0, stdout: "function/hist rolled back to version 1\n" });
    expect((await cli.json<{ timeoutMs: number }>(["fn", "get", "hist"])).timeoutMs).toBe(1000);
    expect((await cli.run(["fn", "rollback", "hist", "--to", "2"])).stdout).toContain("version 2");
    expect((await cli.run(["fn", "delete", "hist"])).code).toBe(0);
  });

  test("traffic splits, shows and promotes; a bad weight is a usage error before any request", async () => {
    const spec = writeSpec("canary.yaml", "name: canary\nexecutionMode: LOCAL\ntimeoutMs: 1000\n");
    await cli.run(["fn", "apply", "-f", spec]);
    writeSpec("canary.yaml", "name: canary\nexecutionMode: LOCAL\ntimeoutMs: 2000\n");
    await cli.run(["fn", "apply", "-f", spec]);
    const set = await cli.run(["fn", "traffic", "canary", "v1=90", "2=10"]);
    expect(set).toMatchObject({ code: 0, stdout: "function/canary traffic v1=90 v2=10\n" });
    expect((await cli.json<{ traffic: unknown }>(["fn", "get", "canary"])).traffic).toEqual([
      { version: 1, weight: 90 },
      { version: 2, weight: 10 },
    ]);
    expect((await cli.run(["fn", "traffic", "canary"])).stdout).toMatch(
      /^VERSION\s+WEIGHT\s+STATE\n1\s+90\s+-\n2\s+10\s+active\n$/,
    );
    const bad = await cli.run(["fn", "traffic", "canary", "v1=ninety"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("VERSION=WEIGHT");
    const sum = await cli.run(["fn", "traffic", "canary", "v1=90"]);
    expect(sum.code).not.toBe(0);
    expect(sum.stderr).toContain("sum to 100");
    expect(await cli.run(["fn", "promote", "canary", "v1"])).toMatchObject({
      code: 0,
      stdout: "function/canary promoted to version 1\n",
    });
    expect((await cli.json<{ traffic?: unknown; timeoutMs: number }>(["fn", "get", "canary"])).traffic).toBeUndefined();
    expect((await cli.run(["fn", "promote", "canary", "9"])).code).not.toBe(0);
    expect((await cli.run(["fn", "delete", "canary"])).code).toBe(0);
  });

  test("list and get in table, json and yaml", async () => {
    await cli.run([
      "fn",
      "apply",
      "-f",
      writeSpec("pod.yaml", `name: pod\nexecutionMode: POOL\nendpointUrl: ${pod.url.href}\nmaxRetries: 1\n`),
    ]);
    const listed = await cli.run(["fn", "list"]);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split("\n");
    expect(lines[0]).toMatch(
      /^NAME\s+MODE\s+STATE\s+READY\s+BACKEND\s+CONCURRENCY\s+QUEUE\s+TIMEOUT_MS\s+IMAGE\/ENDPOINT$/,
    );
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 4))).toEqual([
      ["echo", "LOCAL", "Ready", "-"],
      ["pod", "POOL", "Ready", "-"],
    ]);
    expect((await cli.json<{ name: string }[]>(["fn", "list"])).map((f) => f.name)).toEqual(["echo", "pod"]);
    const yaml = await cli.run(["fn", "get", "pod", "--output", "yaml"]);
    expect(parse(yaml.stdout)).toMatchObject({ name: "pod", endpointUrl: pod.url.href, maxRetries: 1 });
    const table = await cli.run(["fn", "get", "pod"]);
    expect(table.stdout).toMatch(/^FIELD\s+VALUE\nname\s+pod\n/);
  });

  test("delete: 0, then 3 (not found) unless --ignore-not-found", async () => {
    await cli.run(["fn", "apply", "-f", writeSpec("tmp.yaml", "name: tmp\nexecutionMode: LOCAL\n")]);
    expect(await cli.run(["fn", "delete", "tmp"])).toMatchObject({ code: 0, stdout: "function/tmp deleted\n" });
    const again = await cli.run(["fn", "delete", "tmp"]);
    expect(again.code).toBe(3);
    expect(again.stderr).toBe("nanofaas: NOT_FOUND: Function 'tmp' not found\n");
    expect((await cli.run(["fn", "delete", "tmp", "--ignore-not-found"])).code).toBe(0);
    expect((await cli.run(["fn", "get", "tmp"])).code).toBe(3);
  });

  test("a spec the server rejects exits 4 with the envelope's details", async () => {
    const result = await cli.run([
      "fn",
      "apply",
      "-f",
      writeSpec("bad.yaml", "name: bad\nexecutionMode: POOL\ntimeoutMs: 0\n"),
    ]);
    expect(result.code).toBe(4);
    expect(result.stderr).toStartWith("nanofaas: VALIDATION_ERROR: timeoutMs must be at least 1\n  - timeoutMs:");
  });

  test("a backend failure (5xx) exits 5", async () => {
    // A control plane whose backend is down answers 503 BACKEND_UNAVAILABLE; a stand-in server says so.
    const down = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () =>
        Response.json(
          { error: "BACKEND_UNAVAILABLE", message: "the deployment backend is unreachable" },
          { status: 503 },
        ),
    });
    try {
      const spec = writeSpec("dep.yaml", "name: dep\ncommand: [bun, x.ts]\n");
      const result = await cli.run(["fn", "apply", "-f", spec], { env: { NANOFAAS_ENDPOINT: down.url.origin } });
      expect(result.code).toBe(5);
      expect(result.stderr).toStartWith("nanofaas: BACKEND_UNAVAILABLE:");
    } finally {
      down.stop(true);
    }
  });

  test("a registration that cannot run as sent (no command, no backend) is a client error: exits 4", async () => {
    const result = await cli.run(["fn", "apply", "-f", writeSpec("dep.yaml", "name: dep\ncommand: [bun, x.ts]\n")]);
    expect(result.code).toBe(4);
  });
});

describe("invoke and enqueue", () => {
  test("invoke prints the output; -d inline, @file, @- and --payload all work", async () => {
    expect(await cli.run(["invoke", "pod", "-d", '{"a":1}'])).toMatchObject({
      code: 0,
      stdout: '{\n  "got": {\n    "a": 1\n  }\n}\n',
    });
    writeFileSync(join(cli.home, "in.json"), "[1,2]");
    expect(JSON.parse((await cli.run(["invoke", "pod", "-d", "@in.json"])).stdout)).toEqual({ got: [1, 2] });
    expect(JSON.parse((await cli.run(["invoke", "pod", "-d", "@-"], { stdin: '"s"' })).stdout)).toEqual({ got: "s" });
    writeFileSync(
      join(cli.home, "p.json"),
      JSON.stringify({ description: "d", input: { x: 1 }, expected: { got: { x: 1 } } }),
    );
    expect(JSON.parse((await cli.run(["invoke", "pod", "--payload", "p.json"])).stdout)).toEqual({ got: { x: 1 } });
  });

  test("invoke -o json prints the whole response; a failing function exits 1", async () => {
    const ok = await cli.json<{ status: string; executionId: string }>([
      "invoke",
      "echo",
      "-d",
      "1",
      "--trace-id",
      "t",
      "--timeout-ms",
      "500",
    ]);
    expect(ok.status).toBe("success");
    const failed = await cli.run(["invoke", "pod", "-d", '{"fail":true}', "-o", "json"]);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout).status).toBe("error");
    expect(failed.stderr).toMatch(/^nanofaas: execution \S+ ended with error \(POOL_ERROR: boom\)\n$/);
  });

  test("enqueue prints the execution id; exec get shows it; --watch follows it to the end", async () => {
    const queued = await cli.run(["enqueue", "echo", "-d", '{"q":1}', "--idempotency-key", "k1"]);
    expect(queued.code).toBe(0);
    const id = queued.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const watched = await cli.run(["exec", "get", id, "--watch", "--interval", "20ms", "-o", "json"]);
    expect(watched.code).toBe(0);
    const last = JSON.parse(watched.stdout.trim().split("\n").at(-1)!);
    expect(last).toMatchObject({ executionId: id, status: "success", output: { q: 1 } });
    const table = await cli.run(["exec", "get", id]);
    expect(table.stdout).toMatch(new RegExp(`^EXECUTION ID\\s+STATUS.*\\n${id}\\s+success\\s`));
  });

  test("exec get of a failed execution exits 1; of an unknown id exits 3", async () => {
    const id = (await cli.run(["enqueue", "pod", "-d", '{"fail":true}'])).stdout.trim();
    const watched = await cli.run(["exec", "get", id, "-w", "--interval", "20ms"]);
    expect(watched.code).toBe(1);
    expect(watched.stdout).toContain(" error ");
    expect((await cli.run(["exec", "get", "no-such-id"])).code).toBe(3);
  });

  test("exec get --watch gives up after --timeout with exit 6", async () => {
    const id = (await cli.run(["enqueue", "pod", "-d", '{"sleep":1500}'])).stdout.trim();
    const watched = await cli.run(["exec", "get", id, "--watch", "--interval", "20ms", "--timeout", "150ms"]);
    expect(watched.code).toBe(6);
    expect(watched.stderr).toBe(`nanofaas: execution ${id} is still running after 150 ms (--timeout)\n`);
  });

  test("usage errors exit 2 and say what is wrong", async () => {
    const cases: [string[], RegExp][] = [
      [["invoke", "echo"], /missing input: pass --data/],
      [["invoke", "echo", "-d", "hello"], /--data is not valid JSON \(a string must be quoted/],
      [["invoke", "echo", "-d", "@nope.json"], /cannot read nope.json: ENOENT/],
      [["invoke", "echo", "-d", "1", "--timeout-ms", "soon"], /--timeout-ms must be a positive integer/],
      [["fn", "list", "-o", "xml"], /--output must be one of table, json, yaml/],
      [["fn", "apply"], /required option '-f, --file <spec>'/],
      [["fn", "apply", "-f", "missing.yaml"], /cannot read missing.yaml/],
      [["exec", "get", "x", "--interval", "often"], /--interval: 'often' is not a duration/],
      [["fn", "frobnicate"], /unknown command 'frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const result = await cli.run(args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toMatch(message);
    }
  });
});

describe("endpoint resolution and errors", () => {
  test("--endpoint beats NANOFAAS_ENDPOINT beats the context; unreachable exits 5 naming the endpoint", async () => {
    const down = "http://127.0.0.1:9"; // discard port: nothing listens there
    const viaEnv = await cli.run(["fn", "list"], { env: { NANOFAAS_ENDPOINT: down } });
    expect(viaEnv.code).toBe(5);
    expect(viaEnv.stderr).toBe(
      `nanofaas: cannot reach nanofaas at ${down} (connection refused) — is it running? set --endpoint or NANOFAAS_ENDPOINT (now from NANOFAAS_ENDPOINT)\n`,
    );
    expect((await cli.run(["fn", "list", "--endpoint", served.url], { env: { NANOFAAS_ENDPOINT: down } })).code).toBe(
      0,
    );
    expect((await cli.run(["fn", "list", "--endpoint", "localhost:8080"])).stderr).toContain(
      "invalid endpoint 'localhost:8080'",
    );
  });

  test("contexts live in $XDG_CONFIG_HOME/nanofaas/config.yaml and select the endpoint", async () => {
    const env = { NANOFAAS_ENDPOINT: undefined };
    expect((await cli.run(["config", "set-context", "local", "--endpoint", served.url, "--use"], { env })).code).toBe(
      0,
    );
    expect((await cli.run(["config", "set-context", "down", "--endpoint", "http://127.0.0.1:9"], { env })).code).toBe(
      0,
    );
    const file = parse(await Bun.file(join(cli.home, ".config/nanofaas/config.yaml")).text());
    expect(file).toEqual({
      contexts: { local: { endpoint: served.url }, down: { endpoint: "http://127.0.0.1:9" } },
      currentContext: "local",
    });
    expect((await cli.run(["fn", "list"], { env })).code).toBe(0);
    expect((await cli.run(["fn", "list", "--context", "down"], { env })).code).toBe(5);
    expect((await cli.run(["fn", "list"], { env: { ...env, NANOFAAS_CONTEXT: "down" } })).code).toBe(5);
    const missing = await cli.run(["fn", "list", "--context", "nope"], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("context 'nope' is not defined");
    const contexts = await cli.run(["config", "get-contexts"], { env });
    expect(contexts.stdout).toMatch(/\*\s+local\s+http/);
    expect((await cli.run(["config", "use-context", "down"], { env })).code).toBe(0);
    expect((await cli.run(["config", "current-context"], { env })).stdout).toBe(
      "http://127.0.0.1:9 (from context 'down')\n",
    );
  });

  test("no configuration at all means http://localhost:8080", async () => {
    const bare = cliSandbox();
    try {
      const result = await bare.run(["config", "current-context"]);
      expect(result.stdout).toBe("http://localhost:8080 (from default)\n");
    } finally {
      bare.cleanup();
    }
  });
});
