/**
 * @module
 * The watchdog's configuration: a pure function of an environment map (SPEC §2, house style 2).
 * Every variable is validated up front and every problem is reported at once, naming the variable;
 * nothing silently falls back to a default the way the reference did (`EXECUTION_MODE=foo` meant
 * HTTP there, a bad `WARM_PORT` meant 8080).
 */
import { DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_POD_PORT } from "../../src/contracts/pod.ts";
import { BOOLEAN_EXPECTED, envText, parseBoolean, parseInteger } from "../../src/lib/env.ts";
import { resolveChildTarget } from "./child-target.ts";
import { splitCommand } from "./command.ts";

export const EXECUTION_MODES = ["HTTP", "STDIO", "FILE"] as const;
export type ExecutionMode = (typeof EXECUTION_MODES)[number];

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type Env = Record<string, string | undefined>;

export interface Config {
  mode: ExecutionMode;
  /** `WARM=true`: serve `/invoke` for many invocations; otherwise run once and call back. */
  warm: boolean;
  /** `WATCHDOG_CMD` split into argv (see command.ts). */
  command: string[];
  /** Where the warm server listens: `WARM_PORT`, else `PORT`, else 8080. 0 picks a free port. */
  port: number;
  /** `PORT` given to the HTTP child; 0 (default) picks a free loopback port at each (re)start. See child-target.ts. */
  childPort: number;
  /** `RUNTIME_URL`: where HTTP-mode invocations go (reference images); default the child's /invoke. */
  runtimeUrl?: string;
  /** `HEALTH_URL`: where the HTTP child's readiness is probed. */
  healthUrl?: string;
  timeoutMs: number;
  readyTimeoutMs: number;
  killGraceMs: number;
  /** Warm: after a signal, keep admitting this long while `/health` answers 503 (endpoint propagation). */
  drainDelayMs: number;
  /** 0 = unlimited. */
  maxInflight: number;
  maxOutputBytes: number;
  /** Pinned FILE-mode paths; when unset each invocation gets its own private directory. */
  inputFile?: string;
  outputFile?: string;
  /** Where per-invocation FILE directories go: `TMPDIR` (as os.tmpdir(), without loading node:os). */
  tmpDir: string;
  functionName: string;
  logLevel: LogLevel;
  /** Fallbacks for the `X-Execution-Id` / `X-Trace-Id` headers, and the one-shot identity. */
  executionId?: string;
  traceId?: string;
  callbackUrl?: string;
  /** CALLBACK_TOKEN, sent back as X-Callback-Token (the control plane refuses a callback without it when auth is on). */
  callbackToken?: string;
  dispatchAttempt: number;
  /** One-shot input, parsed at run time so that a bad payload is reported through the callback. */
  invocationPayload?: string;
}

/** One or more invalid variables; `message` lists them all, one per line. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
  }
}

// setTimeout fires at once for delays above 2^31-1 ms, so no duration may exceed it.
const MAX_TIMER_MS = 2_147_483_647;

export function loadConfig(env: Env): Config {
  const problems: string[] = [];
  const read = (name: string): string | undefined => envText(env, name);
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = parseInteger(raw);
    if (value !== undefined && value >= min && value <= max) return value;
    problems.push(`${name}=${JSON.stringify(raw)} is invalid: expected an integer from ${min} to ${max}`);
    return fallback;
  };

  const mode = parseMode(read("EXECUTION_MODE"), problems);
  const warm = parseBool("WARM", read("WARM"), problems);
  const command = parseCommand(read("WATCHDOG_CMD"), problems);
  // PORT is only read when WARM_PORT is absent, so a stray PORT cannot fail a WARM_PORT setup.
  const port =
    read("WARM_PORT") !== undefined
      ? int("WARM_PORT", DEFAULT_POD_PORT, 0, 65535)
      : int("PORT", DEFAULT_POD_PORT, 0, 65535);
  const target = resolveChildTarget(
    {
      childPort: int("CHILD_PORT", 0, 0, 65535),
      runtimeUrl: read("RUNTIME_URL"),
      healthUrl: read("HEALTH_URL"),
      command,
      ownPort: warm ? port : 0,
    },
    problems,
  );
  const logLevel = parseLogLevel(read("LOG_LEVEL"), problems);
  const callbackUrl = read("CALLBACK_URL");
  const executionId = read("EXECUTION_ID");
  if (!warm) checkOneShot(callbackUrl, executionId, problems);

  const config: Config = {
    mode,
    warm,
    command,
    port,
    ...target,
    timeoutMs: int("TIMEOUT_MS", 30_000, 1, MAX_TIMER_MS),
    readyTimeoutMs: int("READY_TIMEOUT_MS", 10_000, 1, MAX_TIMER_MS),
    killGraceMs: int("KILL_GRACE_MS", 2_000, 0, MAX_TIMER_MS),
    drainDelayMs: int("DRAIN_DELAY_MS", 0, 0, MAX_TIMER_MS),
    maxInflight: int("MAX_INFLIGHT", 0, 0, 1_000_000),
    maxOutputBytes: int("MAX_OUTPUT_BYTES", DEFAULT_MAX_OUTPUT_BYTES, 1, 2 ** 31),
    inputFile: read("INPUT_FILE"),
    outputFile: read("OUTPUT_FILE"),
    tmpDir: (read("TMPDIR") ?? read("TMP") ?? read("TEMP") ?? "/tmp").replace(/(.)\/+$/, "$1"),
    functionName: read("FUNCTION_NAME") ?? "unknown",
    logLevel,
    executionId,
    traceId: read("TRACE_ID"),
    callbackUrl,
    dispatchAttempt: int("DISPATCH_ATTEMPT", 1, 1, 1_000_000),
    callbackToken: read("CALLBACK_TOKEN"),
    invocationPayload: env.INVOCATION_PAYLOAD,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function parseMode(raw: string | undefined, problems: string[]): ExecutionMode {
  if (raw === undefined) return "HTTP";
  const mode = EXECUTION_MODES.find((m) => m === raw.toUpperCase());
  if (!mode) problems.push(`EXECUTION_MODE=${JSON.stringify(raw)} is invalid: expected HTTP, STDIO or FILE`);
  return mode ?? "HTTP";
}

function parseBool(name: string, raw: string | undefined, problems: string[]): boolean {
  if (raw === undefined) return false;
  const value = parseBoolean(raw);
  if (value === undefined) problems.push(`${name}=${JSON.stringify(raw)} is invalid: ${BOOLEAN_EXPECTED}`);
  return value ?? false;
}

function parseCommand(raw: string | undefined, problems: string[]): string[] {
  if (raw === undefined) {
    problems.push("WATCHDOG_CMD is required: the command that runs the function");
    return [];
  }
  const argv = splitCommand(raw);
  if (!argv || argv.length === 0) {
    problems.push(`WATCHDOG_CMD=${JSON.stringify(raw)} is invalid: unterminated quote or escape`);
    return [];
  }
  return argv;
}

function parseLogLevel(raw: string | undefined, problems: string[]): LogLevel {
  if (raw === undefined) return "info";
  const level = LOG_LEVELS.find((l) => l === raw.toLowerCase());
  if (!level) problems.push(`LOG_LEVEL=${JSON.stringify(raw)} is invalid: expected debug, info, warn or error`);
  return level ?? "info";
}

/** One-shot identity: a callback needs a real execution id, or the control plane cannot match it. */
function checkOneShot(callbackUrl: string | undefined, executionId: string | undefined, problems: string[]): void {
  if (callbackUrl === undefined) return;
  if (!URL.canParse(callbackUrl) || !/^https?:$/.test(new URL(callbackUrl).protocol)) {
    problems.push(`CALLBACK_URL=${JSON.stringify(callbackUrl)} is invalid: expected an http(s) URL`);
  }
  if (executionId === undefined) {
    problems.push("EXECUTION_ID is required in one-shot mode when CALLBACK_URL is set");
  }
}
