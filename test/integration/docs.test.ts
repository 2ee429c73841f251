/**
 * The docs test: every ```sh block of README.md, docs/*.md and examples/README.md runs as written,
 * after `npm install` only, against a live control plane (`bun src/main.ts` as `npm start` runs
 * it: process backend, the example functions, on free ports).
 *
 * - A block that cannot run here says so in the markdown, on the line before its fence:
 *   `<!-- docs-test: skip: <reason> -->` (Docker, a cluster, minutes of benchmark). Every other
 *   block runs.
 * - "As written": the PATH is the caller's without node_modules/.bin, so a bare `bun`, `just` or
 *   `nanofaas` fails as it would for a new user; every block, skipped or not, is also checked for
 *   such commands. `curl` fails on HTTP errors (`--fail-with-body`), so a 4xx/5xx fails the block.
 * - The only rewrites: `localhost:8080`/`8081` become the live ports (and 9081/9082, the example
 *   pods' ports, free ones); the CLI gets the live endpoint through NANOFAAS_ENDPOINT and a
 *   throw-away HOME for its config file. The control plane allows `bun,python3` for
 *   API-registered functions, as README's "Register your own function" says to start it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { type ControlPlaneProcess, REPO, startControlPlane } from "../support/control-plane-process";
import { until } from "../support/until";

interface Block {
  file: string;
  line: number;
  code: string;
  skip?: string;
}

const FILES = [
  "README.md",
  ...readdirSync(join(REPO, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`),
  "examples/README.md",
];
const SKIP = /^<!-- docs-test: skip: (.+) -->$/;

/** The shell blocks of one markdown file, with the skip marker on the line before the fence. */
function shellBlocks(markdown: string, file: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(sh|bash|shell)\s*$/.test(lines[i]!)) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith("```"));
    const skip = SKIP.exec(lines[i - 1] ?? "")?.[1];
    blocks.push({ file, line: i + 1, code: lines.slice(i + 1, end).join("\n"), skip });
    i = end;
  }
  return blocks;
}

const blocks = FILES.flatMap((file) => shellBlocks(readFileSync(join(REPO, file), "utf8"), file));
const label = (b: Block) => `${b.file}:${b.line}`;

/** Commands that `npm install` does not put on PATH (they live in node_modules/.bin). */
const NOT_ON_PATH = /^(?:[A-Z_]+=\S*\s+)*(bun|bunx|just|nanofaas)\s/;

describe("docs: shell blocks", () => {
  test("there are blocks in README.md, docs/ and examples/README.md, and every skip gives a reason", () => {
    for (const file of ["README.md", "examples/README.md", "docs/cli.md", "docs/operations.md"]) {
      expect(blocks.filter((b) => b.file === file && !b.skip).length).toBeGreaterThan(0);
    }
    for (const b of blocks) if (b.skip !== undefined) expect(b.skip.trim().length).toBeGreaterThan(5);
  });

  test("no command needs a tool that npm install does not put on PATH (bun, just, nanofaas: use npx)", () => {
    const offending = blocks.flatMap((b) =>
      b.code
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => NOT_ON_PATH.test(line))
        .map((line) => `${label(b)}: ${line}`),
    );
    expect(offending).toEqual([]);
  });
});

describe("docs: the runnable blocks against a live control plane", () => {
  let cp: ControlPlaneProcess;
  let home: string;
  const created = ["my-fn", "greeter"].filter((dir) => !existsSync(join(REPO, dir)));
  // The PATH a new user has after `npm install`: nothing from node_modules/.bin.
  const userPath = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((dir) => !dir.includes("node_modules/.bin"))
    .join(delimiter);
  const freePort = () => {
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
    const { port } = server;
    server.stop(true);
    return port;
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "nanofaas-docs-home-"));
    cp = await startControlPlane({
      // As `npm start` (just start) runs it: node_modules/.bin first, so the examples' `bun` resolves.
      PATH: `${join(REPO, "node_modules/.bin")}${delimiter}${userPath}`,
      NANOFAAS_DEPLOYMENT_BACKEND: "process",
      NANOFAAS_FUNCTIONS_DIR: "examples/functions",
      NANOFAAS_PROCESS_ALLOWED_COMMANDS: "bun,python3",
      NANOFAAS_ADMIN_RUNTIME_CONFIG_ENABLED: "true",
    });
    await until(async () => (await fetch(`${cp.management}/readyz`)).ok, "readiness", {
      timeoutMs: 30_000,
      detail: cp.stderr,
    });
  }, 60_000);

  afterAll(async () => {
    await cp?.stop();
    for (const dir of created) rmSync(join(REPO, dir), { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  const PREAMBLE = [
    "set -euo pipefail",
    // An HTTP error fails the block (unless the block asked for -f itself).
    'curl() { case " $* " in *" -f"*|*" -sf"*) command curl "$@" ;; *) command curl --fail-with-body "$@" ;; esac; }',
  ].join("\n");

  for (const block of blocks.filter((b) => b.skip === undefined)) {
    test(`${label(block)} runs as written`, async () => {
      const ports: Record<string, string> = {
        "localhost:8080": cp.api.replace("http://", ""),
        "localhost:8081": cp.management.replace("http://", ""),
        "localhost:9081": `127.0.0.1:${freePort()}`,
        "localhost:9082": `127.0.0.1:${freePort()}`,
        "PORT=9081": "",
        "PORT=9082": "",
      };
      ports["PORT=9081"] = `PORT=${ports["localhost:9081"]!.split(":")[1]}`;
      ports["PORT=9082"] = `PORT=${ports["localhost:9082"]!.split(":")[1]}`;
      const code = Object.entries(ports).reduce((text, [from, to]) => text.replaceAll(from, to), block.code);
      const proc = Bun.spawn(["bash", "-c", `${PREAMBLE}\n${code}`], {
        cwd: REPO,
        env: { PATH: userPath, HOME: home, NANOFAAS_ENDPOINT: cp.api },
        stdout: "pipe",
        stderr: "pipe",
      });
      const timer = setTimeout(() => proc.kill("SIGKILL"), 90_000);
      const [stdout, stderr, exitCode] = await Promise.all([
        new Response(proc.stdout).text(),
        new Response(proc.stderr).text(),
        proc.exited,
      ]);
      clearTimeout(timer);
      expect({ block: label(block), exitCode, output: exitCode === 0 ? "" : `${stdout}\n${stderr}` }).toEqual({
        block: label(block),
        exitCode: 0,
        output: "",
      });
    }, 120_000);
  }
});
