/**
 * @module
 * What a process-backend replica runs: the argv and the environment (SPEC §1.11). Pure functions
 * of the function, the config and a few injected facts (which files exist, what is on PATH), so
 * they can be tested without spawning anything.
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { ResolvedFunction } from "../../domain/resolved-function";
import type { Unsupported } from "../deployer";

/** Names the platform sets; a function's `env` cannot override them (reference §6.2 drops them too). */
export const RESERVED_ENV = [
  "FUNCTION_NAME",
  "WARM",
  "TIMEOUT_MS",
  "EXECUTION_MODE",
  "WATCHDOG_CMD",
  "CALLBACK_URL",
  "PORT",
  "WARM_PORT",
] as const;

/** `NANOFAAS_WATCHDOG_PATH` (Config.watchdogPath), optional. */
type WatchdogSetting = { watchdogPath?: string };

export interface LaunchPlan {
  argv: string[];
  /** Everything except PORT/WARM_PORT, which change at every (re)start. */
  env: Record<string, string>;
}

/** Facts about the machine, injected so that tests do not depend on it. */
export interface HostFacts {
  exists(path: string): boolean;
  /** Resolves a bare command name on PATH, or null. */
  which(command: string): string | null;
  /** The control plane's working directory: relative commands resolve against it. */
  cwd: string;
  /** The running Bun executable, when the control plane is not a compiled binary. */
  bunExecutable?: string;
  /** The repository root when running from source (undefined in a compiled binary). */
  repoRoot?: string;
}

export function realHostFacts(cwd = process.cwd()): HostFacts {
  // In a compiled binary import.meta.dir is inside Bun's virtual file system ("/$bunfs/..."):
  // there is no source tree to fall back to, and process.execPath is nanofaas itself, not bun.
  const compiled = import.meta.dir.startsWith("/$bunfs") || import.meta.dir.startsWith("B:\\~BUN");
  return {
    exists: existsSync,
    which: (command) => Bun.which(command),
    cwd,
    bunExecutable: compiled ? undefined : process.execPath,
    repoRoot: compiled ? undefined : resolve(import.meta.dir, "../../.."),
  };
}

/** Why the process backend cannot run `fn`, or undefined when it can. */
export function unsupportedReason(fn: ResolvedFunction, host: HostFacts): Unsupported | undefined {
  if (fn.command.length === 0 && !fn.runtimeCommand?.trim()) {
    const reason =
      `the process backend runs \`command\` or \`runtimeCommand\`; function '${fn.name}' has neither ` +
      "(an image alone needs the docker or k8s backend)";
    return { field: "command", reason };
  }
  // A missing program would only show up as an endless crash loop in the logs: refuse it now.
  const program = fn.command[0];
  if (program !== undefined && !programExists(program, host)) {
    // No working directory in the message: it would tell a client about the server's layout.
    const reason = program.includes("/")
      ? `function '${fn.name}': command '${program}' does not exist (relative paths resolve against the control plane's working directory)`
      : `function '${fn.name}': command '${program}' was not found on PATH`;
    return { field: "command", reason };
  }
  return undefined;
}

function programExists(program: string, host: HostFacts): boolean {
  if (program.includes("/")) return host.exists(isAbsolute(program) ? program : resolve(host.cwd, program));
  return host.which(program) !== null || ownBun(program, host) !== undefined;
}

/**
 * `bun` when it is not on PATH (say, `bun src/main.ts` run by its full path): the Bun running
 * the control plane is there for certain, so `command: ["bun", ...]` specs work anyway.
 */
function ownBun(program: string, host: HostFacts): string | undefined {
  return program === "bun" && host.which("bun") === null ? host.bunExecutable : undefined;
}

/**
 * The watchdog argv, in order of preference: `NANOFAAS_WATCHDOG_PATH`, the compiled
 * `dist/watchdog` of this checkout, a `watchdog` binary beside a compiled control plane, and
 * finally the watchdog's source run by Bun (a fresh checkout where nobody ran `just build`).
 */
export function watchdogArgv(config: WatchdogSetting, host: HostFacts, execPath = process.execPath): string[] {
  if (config.watchdogPath) return [resolve(host.cwd, config.watchdogPath)];
  if (host.repoRoot) {
    const compiled = join(host.repoRoot, "dist", "watchdog");
    if (host.exists(compiled)) return [compiled];
    return [host.bunExecutable ?? "bun", join(host.repoRoot, "watchdog", "src", "main.ts")];
  }
  return [join(dirname(execPath), "watchdog")];
}

/** `http://host:port` with IPv6 brackets, and a wildcard bind address replaced by loopback. */
export function connectHost(bindHost: string): string {
  if (bindHost === "" || bindHost === "0.0.0.0") return "127.0.0.1";
  if (bindHost === "::" || bindHost === "[::]") return "[::1]";
  return bindHost.includes(":") && !bindHost.startsWith("[") ? `[${bindHost}]` : bindHost;
}

/** Where runtimes post results: the configured URL, else this control plane's own API port. */

export function launchPlan(
  fn: ResolvedFunction,
  config: WatchdogSetting,
  host: HostFacts,
  baseEnv: Record<string, string | undefined>,
): LaunchPlan {
  const useWatchdog = fn.command.length === 0;
  const argv = useWatchdog ? watchdogArgv(config, host) : resolveProgram(fn.command, host);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(baseEnv)) if (value !== undefined) env[key] = value;
  for (const [key, value] of Object.entries(fn.env)) {
    if (!(RESERVED_ENV as readonly string[]).includes(key)) env[key] = value;
  }
  // Inherited copies of the reserved names (say, WATCHDOG_CMD in the developer's shell) must not leak.
  for (const key of RESERVED_ENV) delete env[key];
  Object.assign(env, {
    FUNCTION_NAME: fn.name,
    WARM: "true",
    TIMEOUT_MS: String(fn.timeoutMs),
    EXECUTION_MODE: fn.runtimeMode,
  });
  // No CALLBACK_URL: warm replicas answer over HTTP, which decides the attempt; a callback would
  // only be a duplicate that the engine ignores. Only one-shot jobs (REMOTE) call back.
  if (useWatchdog) env.WATCHDOG_CMD = fn.runtimeCommand!;
  return { argv, env };
}

/** `./pod.sh` becomes absolute (so logs show what runs); a `bun` missing from PATH becomes ours. */
function resolveProgram(command: string[], host: HostFacts): string[] {
  const [program, ...args] = command;
  if (program === undefined) return [];
  if (program.includes("/")) return [isAbsolute(program) ? program : resolve(host.cwd, program), ...args];
  return [ownBun(program, host) ?? program, ...args];
}
