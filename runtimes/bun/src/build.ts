/**
 * @module
 * Compiles one handler into a self-contained executable:
 *
 *   bun runtimes/bun/src/build.ts <handler-file> <outfile>
 *
 * `bun build --compile` embeds only what is imported statically, so we generate a tiny entry file
 * that imports the handler and `serve.ts` directly, then compile that entry. With `--node` the
 * same entry becomes one JavaScript file for Node.js ≥ 20 (`node <outfile>`) instead:
 *
 *   bun runtimes/bun/src/build.ts --node <handler-file> <outfile.mjs>
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export interface BuildOptions {
  handler: string;
  outfile: string;
  minify?: boolean;
  /** A JavaScript bundle for Node.js instead of a Bun executable. */
  node?: boolean;
}

/** The generated entry: static imports, then the same start-up path as main.ts. */
export function entrySource(handlerPath: string): string {
  const serve = resolve(import.meta.dir, "serve.ts");
  const load = resolve(import.meta.dir, "load.ts");
  return [
    `import * as module from ${JSON.stringify(resolve(handlerPath))};`,
    `import { handlerOf } from ${JSON.stringify(load)};`,
    `import { fail, serveHandler } from ${JSON.stringify(serve)};`,
    // Static imports have all run (handler initialisation included) before this line.
    "const initDurationMs = performance.now();",
    "let handler;",
    `try { handler = handlerOf(module, ${JSON.stringify(handlerPath)}); } catch (error) { fail("handler failed to load", error); }`,
    "serveHandler(handler, { env: process.env, initDurationMs });",
    "",
  ].join("\n");
}

export async function buildBinary(options: BuildOptions): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "nanofaas-build-"));
  try {
    const entry = join(dir, "entry.ts");
    await writeFile(entry, entrySource(options.handler));
    const target = options.node ? ["--target=node", "--format=esm"] : ["--compile"];
    const args = ["build", ...target, entry, "--outfile", resolve(options.outfile)];
    if (options.minify !== false) args.push("--minify");
    const proc = Bun.spawn([process.execPath, ...args], { stdout: "pipe", stderr: "pipe" });
    const [code, stdout, stderr] = await Promise.all([
      proc.exited,
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
    ]);
    if (code !== 0) throw new Error(`bun ${args.join(" ")} failed (${code}):\n${stdout}${stderr}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const node = args[0] === "--node";
  const [handler, outfile] = node ? args.slice(1) : args;
  if (!handler || !outfile) {
    console.error("usage: bun runtimes/bun/src/build.ts [--node] <handler-file> <outfile>");
    process.exit(2);
  }
  await buildBinary({ handler, outfile, node });
  console.log(`built ${outfile}`);
}
