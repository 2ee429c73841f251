/**
 * Test support: runs the CLI as a real subprocess (`bun cli/src/main.ts …`, or a compiled binary)
 * with a throw-away HOME and XDG_CONFIG_HOME, so no test ever reads or writes the developer's
 * ~/.config, and with none of the developer's NANOFAAS_* variables.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dir, "../..");
const MAIN = join(REPO_ROOT, "cli/src/main.ts");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliSandbox {
  home: string;
  /** Runs `nanofaas args…`; `env` adds to (or, with undefined, removes from) the sandbox's env. */
  run(
    args: string[],
    options?: { env?: Record<string, string | undefined>; cwd?: string; stdin?: string },
  ): Promise<CliResult>;
  /** Runs and parses stdout as JSON, failing loudly with stderr when the exit code is not 0. */
  json<T = unknown>(args: string[]): Promise<T>;
  cleanup(): void;
}

/** `binary`: a compiled CLI to run instead of the sources. */
export function cliSandbox(defaultEnv: Record<string, string> = {}, binary?: string): CliSandbox {
  const home = mkdtempSync(join(tmpdir(), "nanofaas-cli-home-"));
  const baseEnv: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    NO_COLOR: "1",
    ...defaultEnv,
  };
  const run: CliSandbox["run"] = async (args, options = {}) => {
    const env = Object.fromEntries(
      Object.entries({ ...baseEnv, ...options.env }).filter(([, v]) => v !== undefined),
    ) as Record<string, string>;
    const argv = binary ? [binary, ...args] : [process.execPath, MAIN, ...args];
    const proc = Bun.spawn(argv, {
      cwd: options.cwd ?? home,
      env,
      stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    return { code, stdout, stderr };
  };
  return {
    home,
    run,
    async json(args) {
      const result = await run([...args, "-o", "json"]);
      if (result.code !== 0) throw new Error(`nanofaas ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
      return JSON.parse(result.stdout);
    },
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}

/** A URL on which nothing listens: a port we bound and released. */
export function closedPortUrl(): string {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const url = `http://127.0.0.1:${server.port}`;
  server.stop(true);
  return url;
}
