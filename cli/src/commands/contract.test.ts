/**
 * `nanofaas contract test URL` as a subprocess against a real pod: the Bun runtime serving the
 * contract handler passes every case; the same pod behind a proxy that breaks two promises of the
 * contract fails exactly those two cases and exits 1. URL checks and an unreachable pod run in-process.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { POD_HOOK_TIMEOUT_MS, type ProcessPod, REPO_ROOT, spawnPod } from "../../../runtimes/contract/process-pod";
import { type CliSandbox, cliSandbox, closedPortUrl } from "../../test/harness";
import { runCli } from "../run";
import { podUrl } from "./contract";

let pod: ProcessPod;
let broken: ReturnType<typeof Bun.serve>;
let cli: CliSandbox;
const WORD_STATS_PAYLOADS = join(REPO_ROOT, "examples/word-stats/payloads");

/** The real pod, except: an unknown path is a plain-text 404, and a body that is not JSON is a 500. */
function brokenProxy(target: string) {
  return Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      if (url.pathname === "/no/such/path") return new Response("not found", { status: 404 });
      const body = await request.text();
      if (url.pathname === "/invoke" && body.startsWith('{"input": '))
        return Response.json({ error: { code: "INTERNAL", message: "oops" } }, { status: 500 });
      const headers = new Headers(request.headers);
      headers.delete("host");
      return fetch(`${target}${url.pathname}`, { method: request.method, headers, body: body || undefined });
    },
  });
}

beforeAll(async () => {
  pod = await spawnPod({
    cmd: [process.execPath, "runtimes/bun/src/main.ts", "runtimes/contract/handlers/contract.ts"],
  });
  broken = brokenProxy(pod.baseUrl);
  cli = cliSandbox();
}, POD_HOOK_TIMEOUT_MS);
afterAll(async () => {
  broken?.stop(true);
  await pod?.stop();
  cli?.cleanup();
});

const lines = (stdout: string, prefix: string) => stdout.split("\n").filter((l) => l.startsWith(prefix));

describe("nanofaas contract test", () => {
  test("a pod that keeps the contract passes every case, callbacks included, and exits 0", async () => {
    const result = await cli.run(["contract", "test", `${pod.baseUrl}/`]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const passed = lines(result.stdout, "PASS  ");
    expect(passed.length).toBeGreaterThanOrEqual(21);
    expect(lines(result.stdout, "FAIL")).toEqual([]);
    expect(passed.filter((l) => l.startsWith("PASS  callbacks: "))).toHaveLength(4);
    expect(result.stdout).toContain(
      `\n${passed.length} passed, 0 failed (${passed.length} cases) against ${pod.baseUrl}\n`,
    );
  }, 30_000);

  test("a broken pod fails exactly the broken cases, says why, and exits 1", async () => {
    const url = `http://127.0.0.1:${broken.port}`;
    const result = await cli.run(["contract", "test", url]);
    expect(result.code).toBe(1);
    const failed = lines(result.stdout, "FAIL  ").map((l) => l.replace(/ \(\d+ ms\)$/, ""));
    expect(failed).toEqual([
      "FAIL  a body that is not JSON is 400 INVALID_JSON",
      "FAIL  an unknown path is 404 with a JSON error",
    ]);
    expect(result.stdout).toContain("expected status 400, got 500");
    expect(result.stdout).toContain("expected Content-Type application/json, got 'text/plain");
    expect(lines(result.stdout, "PASS  ").length).toBeGreaterThanOrEqual(19);
    expect(result.stderr).toMatch(/^nanofaas: 2 of \d+ cases failed\n$/);
  }, 30_000);

  test("-o json: one object with every case's outcome", async () => {
    const url = `http://127.0.0.1:${broken.port}`;
    const result = await cli.run(["contract", "test", url, "--no-callbacks", "-o", "json"]);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as { url: string; passed: number; failed: number; cases: unknown[] };
    expect(summary).toMatchObject({ url, failed: 2 });
    expect(summary.cases).toHaveLength(summary.passed + 2);
    expect(summary.cases).toContainEqual({
      name: "an unknown path is 404 with a JSON error",
      group: "basic",
      ok: false,
      ms: expect.any(Number),
      error: expect.stringContaining("Content-Type"),
    });
    expect(summary.cases).not.toContainEqual(expect.objectContaining({ group: "callbacks" }));
  }, 30_000);

  test("a pod that never answers fails each case at --case-timeout instead of stalling", async () => {
    const silent = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (request) =>
        new URL(request.url).pathname === "/health" && request.method === "GET"
          ? new Response("{}")
          : new Promise<Response>(() => undefined),
    });
    try {
      const result = await cli.run(["contract", "test", `http://127.0.0.1:${silent.port}`, "--case-timeout", "100ms"]);
      expect(result.code).toBe(1);
      const failed = lines(result.stdout, "FAIL  ");
      expect(failed.length).toBeGreaterThanOrEqual(20);
      // Every case but the first: /health answers at once, with the wrong body.
      expect(result.stdout.match(/no answer within 100 ms \(--case-timeout\)/g)?.length).toBe(failed.length - 1);
    } finally {
      silent.stop(true);
    }
  }, 30_000);
});

describe("nanofaas contract payloads", () => {
  let wordStats: ProcessPod;
  let table: string;
  beforeAll(async () => {
    wordStats = await spawnPod({
      cmd: [process.execPath, "runtimes/bun/src/main.ts", "examples/word-stats/ts/handler.ts"],
    });
    // Two payloads of the example, the second with an expectation the handler does not meet.
    table = mkdtempSync(join(tmpdir(), "nanofaas-payloads-"));
    const [first, second] = readdirSync(WORD_STATS_PAYLOADS).sort();
    copyFileSync(join(WORD_STATS_PAYLOADS, first!), join(table, "a.json"));
    const wrong = JSON.parse(readFileSync(join(WORD_STATS_PAYLOADS, second!), "utf8"));
    writeFileSync(join(table, "b.json"), JSON.stringify({ ...wrong, expected: { wordCount: -1 } }));
  }, POD_HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await wordStats?.stop();
    rmSync(table, { recursive: true, force: true });
  });

  test("the example's own table passes against its pod", async () => {
    const result = await cli.run(["contract", "payloads", wordStats.baseUrl, WORD_STATS_PAYLOADS]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const count = readdirSync(WORD_STATS_PAYLOADS).filter((f) => f.endsWith(".json")).length;
    expect(lines(result.stdout, "PASS  ")).toHaveLength(count);
    expect(result.stdout).toContain(`${count} passed, 0 failed`);
  }, 30_000);

  test("a payload whose expectation the pod does not meet fails, with the body it got", async () => {
    const result = await cli.run(["contract", "payloads", wordStats.baseUrl, table]);
    expect(result.code).toBe(1);
    expect(lines(result.stdout, "PASS  ")).toHaveLength(1);
    expect(lines(result.stdout, "FAIL  b.json: ")).toHaveLength(1);
    expect(result.stdout).toContain('body: expected {"wordCount":-1}, got {');
    expect(result.stderr).toBe("nanofaas: 1 of 2 cases failed\n");
  }, 30_000);

  test("a directory without payload files, or with broken ones, is a usage error", async () => {
    const empty = mkdtempSync(join(tmpdir(), "nanofaas-payloads-empty-"));
    try {
      const none = await runInProcess(["contract", "payloads", wordStats.baseUrl, empty]);
      expect([none.code, none.err]).toEqual([2, `nanofaas: ${empty} has no *.json payload files\n`]);
      writeFileSync(join(empty, "x.json"), '{"input": 1}');
      const incomplete = await runInProcess(["contract", "payloads", wordStats.baseUrl, empty]);
      expect(incomplete.err).toContain('need "input" and "expected": x.json');
      writeFileSync(join(empty, "x.json"), "{not json");
      expect((await runInProcess(["contract", "payloads", wordStats.baseUrl, empty])).code).toBe(2);
      expect((await runInProcess(["contract", "payloads", wordStats.baseUrl, join(empty, "nope")])).code).toBe(2);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe("the pod URL", () => {
  test.each([
    ["http://127.0.0.1:8080/", "http://127.0.0.1:8080"],
    ["https://pods.example.com/fn/a//", "https://pods.example.com/fn/a"],
  ])("%s is used as %s", (text, expected) => {
    expect(podUrl(text)).toBe(expected);
  });

  test.each([
    ["not a url", "is not a URL"],
    ["ftp://127.0.0.1/", "must be http:// or https://"],
    ["file:///etc/passwd", "must be http:// or https://"],
    ["http://127.0.0.1:8080/?x=1", "no query or fragment"],
    ["http://u:p@127.0.0.1:8080", "must not carry credentials"],
  ])("%s is a usage error (exit 2)", async (url, message) => {
    const { code, err } = await runInProcess(["contract", "test", url]);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  test("a pod that cannot be reached is exit 5, before any case runs", async () => {
    const url = closedPortUrl();
    const { code, out, err } = await runInProcess(["contract", "test", url]);
    expect(code).toBe(5);
    expect(out).toBe("");
    expect(err).toBe(`nanofaas: cannot reach the pod at ${url} (connection refused)\n`);
  });

  test("bad flags are usage errors", async () => {
    const url = closedPortUrl();
    expect((await runInProcess(["contract", "test", url, "--missing-execution-id", "maybe"])).code).toBe(2);
    expect((await runInProcess(["contract", "test", url, "--case-timeout", "soon"])).code).toBe(2);
  });
});

async function runInProcess(argv: string[]) {
  let out = "";
  let err = "";
  const code = await runCli(argv, {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    readStdin: async () => "",
    env: {},
    cwd: process.cwd(),
    execPath: process.execPath,
    sleep: async () => undefined,
  });
  return { code, out, err };
}
