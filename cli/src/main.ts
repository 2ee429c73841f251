#!/usr/bin/env bun
/**
 * The `nanofaas` CLI entry point: `bun cli/src/main.ts …`, or the compiled `dist/nanofaas-cli`
 * (`just build-cli`). The only CLI module that touches process globals.
 */
import { runCli } from "./run";

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readStdin: () => Bun.stdin.text(),
  env: process.env,
  cwd: process.cwd(),
  execPath: process.execPath,
  sleep: (ms) => Bun.sleep(ms),
});
process.exitCode = code;
