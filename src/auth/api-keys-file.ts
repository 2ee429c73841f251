/**
 * @module
 * NANOFAAS_API_KEYS_FILE (SPEC-platform §2): bootstrap keys as YAML,
 * `keys: [{name, key | keySha256, scopes, tenant?, expiresAt?}]`. A file key is identified by its
 * name (`id` = `file:<name>`); it is revoked by removing it from the file and restarting. Every
 * problem is reported at once, naming the entry, and never echoes a secret.
 */
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import type { ApiKeyRow } from "../store/state-store";
import { isKeySecret, keyPrefix, sha256Hex } from "./api-key-secret";
import { scopeProblem } from "./scopes";

export const DEFAULT_TENANT = "default";
const HEX_DIGEST = /^[0-9a-f]{64}$/;

export class ApiKeysFileError extends Error {}

export async function readApiKeysFile(path: string): Promise<ApiKeyRow[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ApiKeysFileError(
      `NANOFAAS_API_KEYS_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  return parseApiKeysFile(text, path);
}

export function parseApiKeysFile(text: string, path: string): ApiKeyRow[] {
  let data: unknown;
  try {
    data = parse(text);
  } catch {
    throw new ApiKeysFileError(`NANOFAAS_API_KEYS_FILE: ${path} is not valid YAML`);
  }
  const entries = (data as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(entries)) throw new ApiKeysFileError(`NANOFAAS_API_KEYS_FILE: ${path} needs a 'keys:' list`);
  const problems: string[] = [];
  const rows: ApiKeyRow[] = [];
  const names = new Set<string>();
  for (const [index, entry] of entries.entries()) {
    const found = readEntry(entry, `keys[${index}]`);
    if (typeof found === "string") problems.push(found);
    else if (names.has(found.name)) problems.push(`keys[${index}]: duplicate name '${found.name}'`);
    else {
      names.add(found.name);
      rows.push(found);
    }
  }
  if (problems.length > 0) throw new ApiKeysFileError(`NANOFAAS_API_KEYS_FILE: ${path}: ${problems.join("; ")}`);
  return rows;
}

/** One entry as a row, or the problem with it (the secret itself is never part of the message). */
function readEntry(entry: unknown, where: string): ApiKeyRow | string {
  if (typeof entry !== "object" || entry === null) return `${where}: expected a mapping`;
  const { name, key, keySha256, scopes, tenant, expiresAt } = entry as Record<string, unknown>;
  if (typeof name !== "string" || name.trim() === "") return `${where}: 'name' is required`;
  const at = `${where} (${name})`;
  if ((key === undefined) === (keySha256 === undefined)) return `${at}: give exactly one of 'key' or 'keySha256'`;
  if (key !== undefined && (typeof key !== "string" || !isKeySecret(key)))
    return `${at}: 'key' must be nfk_ and 32 or more base64url characters (make one with: echo nfk_$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '='))`;
  if (keySha256 !== undefined && (typeof keySha256 !== "string" || !HEX_DIGEST.test(keySha256.toLowerCase())))
    return `${at}: 'keySha256' must be 64 hex digits`;
  if (!Array.isArray(scopes) || scopes.length === 0) return `${at}: 'scopes' must be a non-empty list`;
  const bad = scopes.map((s) => (typeof s === "string" ? scopeProblem(s) : "scopes are strings")).find(Boolean);
  if (bad) return `${at}: ${bad}`;
  if (tenant !== undefined && typeof tenant !== "string") return `${at}: 'tenant' must be a string`;
  const expiry =
    expiresAt === undefined
      ? null
      : Date.parse(String(expiresAt instanceof Date ? expiresAt.toISOString() : expiresAt));
  if (Number.isNaN(expiry)) return `${at}: 'expiresAt' must be an ISO-8601 time`;
  const digest = typeof key === "string" ? sha256Hex(key) : (keySha256 as string).toLowerCase();
  return {
    id: `file:${name}`,
    name,
    prefix: typeof key === "string" ? keyPrefix(key) : `sha256:${digest.slice(0, 8)}`,
    keySha256: digest,
    scopes: scopes as string[],
    tenant: tenant ?? DEFAULT_TENANT,
    createdAt: 0,
    expiresAt: expiry,
  };
}
