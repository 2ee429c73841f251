/**
 * @module
 * The CLI's credentials: an API key or OIDC token per context, kept apart from the config file in
 * `credentials.yaml` beside it, written with mode 0600 (the config file may be shared or checked
 * in; this one holds secrets). Which credential a command sends:
 *
 *   NANOFAAS_TOKEN > the credential stored for the context (`nanofaas login`) > none
 *
 * The context is the one endpoint resolution uses (`--context` > NANOFAAS_CONTEXT >
 * currentContext), or `default` when there is none.
 */
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { configPath, type EndpointFlags, type Env, loadConfigFile } from "./config";
import { usageError } from "./errors";

export interface Credential {
  token: string;
  /** `NANOFAAS_TOKEN` or `context '<name>'`, for messages; never the secret. */
  source: string;
}

interface CredentialsFile {
  contexts: Record<string, { token?: string }>;
}

export function credentialsPath(flags: EndpointFlags, env: Env): string {
  return join(dirname(configPath(flags.config, env)), "credentials.yaml");
}

/** The context a credential is stored under. */
export async function contextName(flags: EndpointFlags, env: Env): Promise<string> {
  const requested = flags.context ?? env.NANOFAAS_CONTEXT;
  if (requested) return requested;
  return (await loadConfigFile(configPath(flags.config, env))).currentContext ?? "default";
}

export async function resolveCredential(flags: EndpointFlags, env: Env): Promise<Credential | undefined> {
  if (env.NANOFAAS_TOKEN) return { token: env.NANOFAAS_TOKEN, source: "NANOFAAS_TOKEN" };
  const path = credentialsPath(flags, env);
  if (!existsSync(path)) return undefined;
  const name = await contextName(flags, env);
  const token = (await loadCredentials(path)).contexts[name]?.token;
  return token ? { token, source: `context '${name}'` } : undefined;
}

/** Stores (or with `undefined`, removes) the context's credential; the file is 0600. */
export async function storeCredential(flags: EndpointFlags, env: Env, token: string | undefined): Promise<string> {
  const path = credentialsPath(flags, env);
  const name = await contextName(flags, env);
  const file = existsSync(path) ? await loadCredentials(path) : { contexts: {} };
  if (token === undefined) delete file.contexts[name];
  else file.contexts[name] = { token };
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const { stringify } = await import("yaml"); // lazily: see output.ts
  await writeFile(path, stringify(file), { mode: 0o600 });
  // `mode` applies only when the file is created: tighten one that existed with looser bits.
  await chmod(path, 0o600);
  return name;
}

async function loadCredentials(path: string): Promise<CredentialsFile> {
  let data: unknown;
  try {
    data = Bun.YAML.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw usageError(`${path}: not valid YAML (${(error as Error).message.split("\n")[0]})`);
  }
  const contexts = (data as Partial<CredentialsFile> | null)?.contexts;
  if (data === null || data === undefined) return { contexts: {} };
  if (typeof contexts !== "object" || contexts === null || Array.isArray(contexts))
    throw usageError(`${path}: expected 'contexts:' mapping each context to {token}`);
  return { contexts };
}
