/**
 * Compiles every shipped binary with `bun build --compile` into dist/ and stages the run-time
 * root file system the FROM-scratch images need (scripts/build-rootfs.ts):
 *
 *   bun scripts/build.ts [control-plane] [watchdog] [examples] [e2e] [rootfs]
 *
 * No argument builds everything except `e2e` (the test-only fixture of the e2e suite).
 * Binaries are minified, carry an embedded source map (readable stack traces in production) and
 * the control plane gets `package.json`'s version plus the git commit (`nanofaas --version`).
 * We compile for the host only: cross-compiling would download another Bun from the network.
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import pkg from "../package.json" with { type: "json" };
import { buildBinary } from "../runtimes/bun/src/build";
import { stageRootfs } from "./build-rootfs";

const ROOT = resolve(import.meta.dir, "..");
const DIST = join(ROOT, "dist");
export const CONTROL_PLANE_ENTRIES = ["src/main.ts", "src/store/sqlite/batch-worker.ts"];
const TARGETS = ["control-plane", "watchdog", "examples", "e2e", "rootfs"] as const;
type Target = (typeof TARGETS)[number];

/** Short commit of HEAD, with `-dirty` when the tree has local changes; empty outside git. */
function gitSha(): string {
  const run = (args: string[]) => Bun.spawnSync(["git", ...args], { cwd: ROOT, stderr: "ignore" });
  const head = run(["rev-parse", "--short=12", "HEAD"]);
  if (head.exitCode !== 0) return "";
  const dirty = run(["status", "--porcelain", "--untracked-files=no"]).stdout.toString().trim() !== "";
  return `${head.stdout.toString().trim()}${dirty ? "-dirty" : ""}`;
}

async function compile(
  entry: string | string[],
  outfile: string,
  defines: Record<string, string> = {},
  bytecode = false,
): Promise<void> {
  const args = ["build", "--compile", "--minify", "--sourcemap", ...[entry].flat(), "--outfile", outfile];
  // Bytecode skips parsing at start-up: the control plane reaches /readyz in about half the time.
  if (bytecode) args.push("--bytecode", "--format=esm");
  for (const [name, value] of Object.entries(defines)) args.push("--define", `${name}=${JSON.stringify(value)}`);
  const proc = Bun.spawn([process.execPath, ...args], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const [code, out, err] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  if (code !== 0) throw new Error(`bun ${args.join(" ")} failed (${code}):\n${out}${err}`);
  // The source map is embedded in the binary; the sidecar file is not needed by anyone.
  rmSync(`${outfile}.map`, { force: true });
  console.log(`built ${outfile.replace(`${ROOT}/`, "")}`);
}

/** The TypeScript examples with a handler: examples/<name>/ts/handler.ts → dist/functions/<name>. */
export function exampleHandlers(): { name: string; handler: string }[] {
  const dir = join(ROOT, "examples");
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({ name: entry.name, handler: join(dir, entry.name, "ts", "handler.ts") }))
    .filter(({ handler }) => Bun.file(handler).size > 0);
}

/** Every binary already in dist/: the rootfs must satisfy all of them (they share one layer). */
function builtBinaries(): string[] {
  const inDir = (dir: string) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => !f.endsWith(".map"))
          .map((f) => join(dir, f))
      : [];
  return [
    join(DIST, "nanofaas"),
    join(DIST, "watchdog"),
    ...inDir(join(DIST, "functions")),
    ...inDir(join(DIST, "e2e")),
  ].filter((f) => existsSync(f));
}

async function build(target: Target): Promise<void> {
  switch (target) {
    case "control-plane":
      // The SQLite writer thread is a Worker: the binary embeds its entry point beside main's.
      return compile(CONTROL_PLANE_ENTRIES, join(DIST, "nanofaas"), { NANOFAAS_GIT_SHA: gitSha() }, true);
    case "watchdog":
      return compile("watchdog/src/main.ts", join(DIST, "watchdog"), { NANOFAAS_GIT_SHA: gitSha() }, true);
    case "examples":
      for (const { name, handler } of exampleHandlers()) {
        await buildBinary({ handler, outfile: join(DIST, "functions", name) });
        console.log(`built dist/functions/${name}`);
      }
      return;
    case "e2e":
      return compile("test/e2e/fixtures/slow-upper.ts", join(DIST, "e2e", "slow-upper"));
    case "rootfs":
      return stageRootfs(join(DIST, "rootfs"), builtBinaries());
  }
}

if (import.meta.main) {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((t) => !(TARGETS as readonly string[]).includes(t));
  if (unknown.length > 0) {
    console.error(`unknown target(s): ${unknown.join(", ")}; known: ${TARGETS.join(", ")}`);
    process.exit(2);
  }
  const targets = asked.length > 0 ? (asked as Target[]) : TARGETS.filter((t) => t !== "e2e");
  console.log(`nanofaas ${pkg.version} (${gitSha() || "no git"}), bun ${Bun.version}`);
  // Sequential on purpose: each compile is short, and CI has two cores.
  for (const target of targets) await build(target);
}
