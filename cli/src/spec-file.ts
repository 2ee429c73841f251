/**
 * @module
 * Reading a function spec for `fn apply -f`: YAML or JSON, one mapping whose known keys form a
 * FunctionSpec. Other keys (`x-…` extensions, comments' companions such as `catalog`) are dropped,
 * as the reference CLI did. Relative paths in `command` are made absolute against the spec file's
 * directory, so `command: [bun, ../runtimes/bun/src/main.ts, ./handler.ts]` means the same thing
 * from any working directory (the process backend would otherwise resolve them against the
 * control plane's own working directory).
 */
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import type { FunctionSpec } from "../../openapi/client";
import { usageError } from "./errors";

/** Every FunctionSpec field. The type check below fails when the API grows a field not listed here. */
export const SPEC_KEYS = [
  "name",
  "image",
  "command",
  "env",
  "resources",
  "timeoutMs",
  "concurrency",
  "queueSize",
  "maxRetries",
  "endpointUrl",
  "executionMode",
  "runtimeMode",
  "runtimeCommand",
  "scalingConfig",
  "imagePullSecrets",
  "rateLimitPerSecond",
  "retryBackoff",
  "retryOn",
  "circuitBreaker",
  "eventSources",
  "schedules",
  "schedule",
  "chain",
] as const satisfies readonly (keyof FunctionSpec)[];
type Missing = Exclude<keyof FunctionSpec, (typeof SPEC_KEYS)[number]>;
const exhaustive: [Missing] extends [never] ? true : Missing = true;
void exhaustive;

export async function readSpecFile(path: string, cwd: string): Promise<FunctionSpec> {
  const absolute = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(absolute, "utf8");
  } catch (error) {
    throw usageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let data: unknown;
  try {
    data = Bun.YAML.parse(text);
  } catch (error) {
    throw usageError(`${path}: not valid YAML (${(error as Error).message.split("\n")[0]})`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw usageError(`${path}: expected a mapping with at least 'name'`);
  const raw = data as Record<string, unknown>;
  if (typeof raw.name !== "string" || raw.name === "") throw usageError(`${path}: 'name' is required`);
  const spec: Record<string, unknown> = {};
  for (const key of SPEC_KEYS) if (raw[key] !== undefined && raw[key] !== null) spec[key] = raw[key];
  if (Array.isArray(spec.command)) spec.command = resolveCommand(spec.command, dirname(absolute));
  return spec as FunctionSpec;
}

/** `./x` and `../x` arguments (and a relative program path) become absolute; others are untouched. */
export function resolveCommand(command: unknown[], baseDir: string): unknown[] {
  return command.map((arg, i) => {
    if (typeof arg !== "string" || isAbsolute(arg)) return arg;
    const relative = arg.startsWith("./") || arg.startsWith("../") || (i === 0 && arg.includes("/"));
    return relative ? resolve(baseDir, arg) : arg;
  });
}
