#!/usr/bin/env node
/**
 * `npx nanofaas …` (package.json `bin`): the CLI is TypeScript run by Bun, but npx starts bins with
 * Node, so this shim runs cli/src/main.ts with the Bun that `npm install` put in node_modules (the
 * `bun` devDependency), else a `bun` on PATH. Arguments, stdio, exit code and signals pass through.
 * Plain JavaScript on purpose: it must run on Node without a build step.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const checkout = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const main = join(checkout, "cli/src/main.ts");
const local = [join(checkout, "node_modules/bun/bin/bun.exe"), join(checkout, "node_modules/.bin/bun")].find((p) =>
  existsSync(p),
);
const bun = local ?? (process.versions.bun ? process.execPath : "bun");

// Hints the CLI prints (`init`'s next steps) name the command the user actually typed.
const env = { ...process.env };
env.NANOFAAS_CLI_COMMAND ??= process.env.npm_command === "exec" ? "npx nanofaas" : "nanofaas";

const child = spawn(bun, [main, ...process.argv.slice(2)], { stdio: "inherit", env });
const forward = (signal) => () => child.kill(signal);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, forward(signal));

child.on("error", (error) => {
  const hint =
    error.code === "ENOENT" ? ` — run \`npm install\` in ${checkout} (it installs Bun) or put bun on PATH` : "";
  process.stderr.write(`nanofaas: cannot start Bun (${bun}): ${error.message}${hint}\n`);
  process.exit(127);
});
child.on("exit", (code, signal) => {
  if (signal) {
    // Die of the same signal, so a shell sees what happened to the CLI (e.g. 130 after Ctrl-C).
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
