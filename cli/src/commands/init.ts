/**
 * @module
 * `nanofaas init NAME --runtime ts|python [--dir DIR] [--runtimes DIR]`: scaffolds a function
 * (see scaffold/templates.ts). The handler runs through nanofaas's own runtimes, so init must find
 * a nanofaas checkout's `runtimes/` directory: `--runtimes`, else the nearest ancestor of the new
 * directory (or of the working directory) that has one, else the checkout this CLI comes from.
 * Inside that checkout paths are written relative (the function stays movable with the repo);
 * outside it they are absolute.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { Command } from "commander";
import { usageError } from "../errors";
import { render } from "../output";
import { RUNTIMES, type Runtime, scaffold } from "../scaffold/templates";
import type { Io, Session } from "../session";

const ENTRY: Record<Runtime, string> = { ts: "bun/src/main.ts", python: "python/run.py" };

export function registerInitCommand(program: Command, session: Session): void {
  program
    .command("init <name>")
    .description("scaffold a function: handler, payloads, spec, justfile and Dockerfile")
    .requiredOption("-r, --runtime <runtime>", `runtime: ${RUNTIMES.join(" | ")}`)
    .option("--dir <dir>", "where to create it (default: ./<name>)")
    .option("--runtimes <dir>", "nanofaas's runtimes/ directory (default: found automatically)")
    .action(async (name: string, flags: { runtime: string; dir?: string; runtimes?: string }) => {
      if (!(RUNTIMES as readonly string[]).includes(flags.runtime)) {
        throw usageError(`--runtime must be one of ${RUNTIMES.join(", ")} (got '${flags.runtime}')`);
      }
      const runtime = flags.runtime as Runtime;
      // Stricter than the server (which also takes `WordStats`): the name becomes an image tag.
      const { DNS_LABEL } = await import("../../../src/domain/object-name");
      if (name.length > 63 || !DNS_LABEL.test(name)) {
        throw usageError(
          `invalid name '${name}': lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters`,
        );
      }
      const { cwd } = session.io;
      const dir = resolve(cwd, flags.dir ?? name);
      if (existsSync(dir) && (await readdir(dir)).length > 0)
        throw usageError(`${dir} already exists and is not empty`);
      const runtimes = findRuntimes(runtime, dir, session.io, flags.runtimes);
      const files = scaffold({ name, runtime, runtimesPath: pathFrom(dir, runtimes) });
      for (const [file, content] of Object.entries(files)) {
        await mkdir(dirname(join(dir, file)), { recursive: true });
        await writeFile(join(dir, file), content);
      }
      const rel = relative(cwd, dir);
      const shown = rel === "" ? "." : rel.startsWith("..") ? dir : rel;
      const value = { name, runtime, directory: dir, files: Object.keys(files).sort() };
      const tools = hintCommands(session.io, dirname(runtimes));
      session.io.out(
        await render(session.format() ?? "table", value, () => nextSteps(name, shown, value.files, tools)),
      );
    });
}

function findRuntimes(runtime: Runtime, dir: string, { cwd, execPath }: Io, flag: string | undefined): string {
  const valid = (candidate: string) => existsSync(join(candidate, ENTRY[runtime]));
  if (flag) {
    const given = resolve(cwd, flag);
    if (!valid(given))
      throw usageError(`--runtimes ${flag}: no ${ENTRY[runtime]} there (pass nanofaas's runtimes/ directory)`);
    return given;
  }
  // Last, the checkout this CLI comes from: its sources (import.meta.dir; inside Bun's virtual file
  // system when compiled, so that candidate just fails) or dist/ beside a compiled binary.
  const own = [resolve(import.meta.dir, "../../.."), resolve(dirname(execPath), "..")];
  const candidates = [...ancestors(dir), ...ancestors(cwd), ...own].map((d) => join(d, "runtimes"));
  const found = candidates.find(valid);
  if (!found) {
    throw usageError(
      `cannot find nanofaas's runtimes/${ENTRY[runtime]}: run init inside a nanofaas checkout or pass --runtimes <checkout>/runtimes`,
    );
  }
  return found;
}

function ancestors(start: string): string[] {
  const out: string[] = [];
  for (let d = start; ; d = dirname(d)) {
    out.push(d);
    if (dirname(d) === d) return out;
  }
}

/** `runtimes` as written into the new files: relative inside the checkout, else absolute. */
export function pathFrom(dir: string, runtimes: string): string {
  if (!isWithin(dir, dirname(runtimes))) return runtimes;
  const rel = relative(dir, runtimes);
  return isAbsolute(rel) || rel.startsWith("..") ? rel : `./${rel}`;
}

/**
 * The commands the next-step hints name, as the user can type them (issue 14.2): after
 * `npm install` neither `nanofaas` nor `just` is on PATH, only in the checkout's node_modules.
 * The npx shim (cli/bin/nanofaas.js) says how the CLI was started in NANOFAAS_CLI_COMMAND; `just`
 * is `npx just` inside the checkout, the checkout's own copy outside it, else the one on PATH.
 */
export function hintCommands({ env, cwd }: Io, checkout: string): { nanofaas: string; just: string } {
  const localJust = join(checkout, "node_modules/.bin/just");
  let just = "just";
  if (existsSync(localJust)) just = isWithin(cwd, checkout) ? "npx just" : localJust;
  return { nanofaas: env.NANOFAAS_CLI_COMMAND || "nanofaas", just };
}

const isWithin = (dir: string, root: string) => dir === root || dir.startsWith(root + sep);

function nextSteps(name: string, dir: string, files: string[], tools: { nanofaas: string; just: string }): string {
  return [
    `created ${dir}/: ${files.join(", ")}`,
    "next:",
    `  ${tools.nanofaas} fn apply -f ${dir}/function.yaml`,
    `  ${tools.nanofaas} invoke ${name} --payload ${dir}/payloads/happy-path.json`,
    `  ${tools.just} --justfile ${dir}/justfile --list    # recipes: run locally, build the image, deploy`,
    "",
  ].join("\n");
}
