/**
 * The compiled CLI (`bun build --compile cli/src/main.ts`, what `just build-cli` produces) behaves
 * like the sources: it must bundle everything it imports lazily (yaml, the name rule) and find the
 * runtimes without its source tree.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { type CliSandbox, cliSandbox, REPO_ROOT } from "../../cli/test/harness";
import { VERSION } from "../../src/lib/version";
import { type Served, serveControlPlane, testControlPlane } from "../support/control-plane";

let served: Served;
let cli: CliSandbox;
let dist: string;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), "nanofaas-cli-bin-"));
  const binary = join(dist, "nanofaas-cli");
  const build = Bun.spawn(
    [process.execPath, "build", "--compile", "--minify", join(REPO_ROOT, "cli/src/main.ts"), "--outfile", binary],
    {
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  if ((await build.exited) !== 0) throw new Error(`compile failed: ${await new Response(build.stderr).text()}`);
  served = serveControlPlane(testControlPlane());
  cli = cliSandbox({ NANOFAAS_ENDPOINT: served.url }, binary);
});
afterAll(async () => {
  await served.stop();
  cli.cleanup();
  rmSync(dist, { recursive: true, force: true });
});

describe("compiled nanofaas CLI", () => {
  test("--version and --help", async () => {
    expect(await cli.run(["--version"])).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    expect((await cli.run(["--help"])).stdout).toContain("Usage: nanofaas");
  });

  test("registers, invokes and prints YAML against a live control plane", async () => {
    const created = await cli.run(["fn", "apply", "-f", join(REPO_ROOT, "cli/test/echo-function.yaml")]);
    expect(created).toMatchObject({ code: 0, stdout: "function/cli-echo created\n" });
    expect(JSON.parse((await cli.run(["invoke", "cli-echo", "-d", '{"a":[1]}'])).stdout)).toEqual({ a: [1] });
    expect(parse((await cli.run(["fn", "list", "-o", "yaml"])).stdout)[0]).toMatchObject({ name: "cli-echo" });
  });

  test("init: finds the runtimes from inside a checkout, or asks for --runtimes outside one", async () => {
    const outside = await cli.run(["init", "fn-a", "-r", "ts"]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain("pass --runtimes <checkout>/runtimes");
    const given = await cli.run([
      "init",
      "fn-b",
      "-r",
      "python",
      "--runtimes",
      join(REPO_ROOT, "runtimes"),
      "-o",
      "json",
    ]);
    expect(given.code).toBe(0);
    expect(JSON.parse(given.stdout).files).toContain("handler.py");
    const inside = await cli.run(["init", "fn-c", "-r", "ts", "--dir", join(cli.home, "fn-c"), "-o", "json"], {
      cwd: join(REPO_ROOT, "runtimes"),
    });
    expect(inside.code).toBe(0);
    expect(await Bun.file(join(cli.home, "fn-c/function.yaml")).text()).toContain(
      `${REPO_ROOT}/runtimes/bun/src/main.ts`,
    );
    expect((await cli.run(["init", "Bad_Name", "-r", "ts"])).stderr).toContain("invalid name 'Bad_Name'");
  });

  test("an unreachable server exits 5 with one line naming the endpoint", async () => {
    const result = await cli.run(["fn", "list", "--endpoint", "http://127.0.0.1:9"]);
    expect(result.code).toBe(5);
    expect(result.stderr.trim().split("\n")).toEqual([
      "nanofaas: cannot reach nanofaas at http://127.0.0.1:9 (connection refused) — is it running? set --endpoint or NANOFAAS_ENDPOINT (now from --endpoint)",
    ]);
  });
});
