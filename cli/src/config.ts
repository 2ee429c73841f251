/**
 * @module
 * The CLI's configuration file (`$XDG_CONFIG_HOME/nanofaas/config.yaml`, by default
 * `~/.config/nanofaas/config.yaml`, or `--config`) and endpoint resolution:
 *
 *   endpoint = --endpoint > NANOFAAS_ENDPOINT > the context's endpoint > http://localhost:8080
 *   context  = --context  > NANOFAAS_CONTEXT  > currentContext
 *
 * The format is the reference CLI's (`currentContext`, `contexts.<name>.endpoint/namespace`), so
 * existing files keep working; unknown keys are kept when the file is rewritten.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { usageError } from "./errors";

export const DEFAULT_ENDPOINT = "http://localhost:8080";

export interface ContextEntry {
  endpoint?: string;
  namespace?: string;
  [key: string]: unknown;
}

export interface ConfigFile {
  currentContext?: string;
  contexts: Record<string, ContextEntry>;
  [key: string]: unknown;
}

export type Env = Record<string, string | undefined>;

export function configPath(flag: string | undefined, env: Env): string {
  if (flag) return flag;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "nanofaas", "config.yaml");
}

/** A missing file is an empty configuration; a malformed one is a usage error naming the file. */
export async function loadConfigFile(path: string): Promise<ConfigFile> {
  if (!existsSync(path)) return { contexts: {} };
  let data: unknown;
  try {
    data = Bun.YAML.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw usageError(`${path}: not valid YAML (${(error as Error).message.split("\n")[0]})`);
  }
  if (data === null || data === undefined) return { contexts: {} };
  if (typeof data !== "object" || Array.isArray(data)) throw usageError(`${path}: expected a mapping at the top level`);
  const file = data as ConfigFile;
  const contexts = file.contexts ?? {};
  if (typeof contexts !== "object" || Array.isArray(contexts))
    throw usageError(`${path}: 'contexts' must be a mapping`);
  return { ...file, contexts };
}

export async function saveConfigFile(path: string, file: ConfigFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const { stringify } = await import("yaml"); // lazily: see output.ts
  await writeFile(path, stringify(file));
}

export interface EndpointFlags {
  endpoint?: string;
  context?: string;
  config?: string;
}

export interface ResolvedEndpoint {
  endpoint: string;
  /** Where the endpoint came from, for error messages ("--endpoint", "context 'prod'", …). */
  source: string;
}

export async function resolveEndpoint(flags: EndpointFlags, env: Env): Promise<ResolvedEndpoint> {
  const explicit = flags.endpoint ? { endpoint: flags.endpoint, source: "--endpoint" } : undefined;
  const fromEnv = env.NANOFAAS_ENDPOINT ? { endpoint: env.NANOFAAS_ENDPOINT, source: "NANOFAAS_ENDPOINT" } : undefined;
  const chosen = explicit ??
    fromEnv ??
    (await fromContext(flags, env)) ?? { endpoint: DEFAULT_ENDPOINT, source: "default" };
  return { endpoint: validEndpoint(chosen.endpoint, chosen.source), source: chosen.source };
}

async function fromContext(flags: EndpointFlags, env: Env): Promise<ResolvedEndpoint | undefined> {
  const path = configPath(flags.config, env);
  const file = await loadConfigFile(path);
  const requested = flags.context ?? env.NANOFAAS_CONTEXT;
  const name = requested ?? file.currentContext;
  if (!name) return undefined;
  const context = file.contexts[name];
  if (!context) {
    // A context asked for by name must exist; a dangling currentContext is just as wrong.
    throw usageError(`context '${name}' is not defined in ${path} (see \`nanofaas config get-contexts\`)`);
  }
  return context.endpoint ? { endpoint: context.endpoint, source: `context '${name}'` } : undefined;
}

function validEndpoint(raw: string, source: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`invalid endpoint '${raw}' (from ${source}): expected a URL such as ${DEFAULT_ENDPOINT}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw usageError(`invalid endpoint '${raw}' (from ${source}): only http and https are supported`);
  }
  return raw.replace(/\/+$/, "");
}
