/**
 * @module
 * NANOFAAS_TENANTS_FILE (SPEC-platform §3): tenants declared as YAML, `tenants: [{name, quotas}]`,
 * for GitOps. Read once at start-up; every problem is reported at once, naming the entry. The YAML
 * parser is imported only when a file is configured (start-up cost), and the file is capped at
 * 1 MiB before it is parsed (a wrong path pointing at a huge file fails fast, not out of memory).
 */
import { readFile, stat } from "node:fs/promises";
import { TenantSpec } from "./tenant-spec";

export const MAX_TENANTS_FILE_BYTES = 1024 * 1024;

export class TenantsFileError extends Error {}

const fail = (path: string, message: string) => new TenantsFileError(`NANOFAAS_TENANTS_FILE: ${path}: ${message}`);

export async function readTenantsFile(path: string): Promise<TenantSpec[]> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw fail(path, "is not a regular file");
    size = info.size;
  } catch (error) {
    if (error instanceof TenantsFileError) throw error;
    throw fail(path, `cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (size > MAX_TENANTS_FILE_BYTES) throw fail(path, `is ${size} bytes; the limit is ${MAX_TENANTS_FILE_BYTES}`);
  const text = await readFile(path, "utf8");
  return parseTenantsFile(text, path);
}

export async function parseTenantsFile(text: string, path: string): Promise<TenantSpec[]> {
  if (text.length > MAX_TENANTS_FILE_BYTES) throw fail(path, `is larger than ${MAX_TENANTS_FILE_BYTES} bytes`);
  const { parse } = await import("yaml");
  let data: unknown;
  try {
    // maxAliasCount: a small file must not expand into a huge document (billion laughs)
    data = parse(text, { maxAliasCount: 100 });
  } catch (error) {
    throw fail(path, `is not valid YAML (${(error as Error).message.split("\n")[0]})`);
  }
  const entries = (data as { tenants?: unknown } | null)?.tenants;
  if (!Array.isArray(entries)) throw fail(path, "needs a 'tenants:' list");
  const problems: string[] = [];
  const specs: TenantSpec[] = [];
  const seen = new Set<string>();
  for (const [index, entry] of entries.entries()) {
    const parsed = TenantSpec.safeParse(entry);
    const label = `tenants[${index}]${typeof (entry as { name?: unknown })?.name === "string" ? ` (${(entry as { name: string }).name})` : ""}`;
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const at = issue.path.length > 0 ? `.${issue.path.join(".")}` : "";
        problems.push(`${label}${at}: ${issue.message}`);
      }
    } else if (seen.has(parsed.data.name)) problems.push(`${label}: duplicate name '${parsed.data.name}'`);
    else {
      seen.add(parsed.data.name);
      specs.push(parsed.data);
    }
  }
  if (problems.length > 0) throw fail(path, problems.join("; "));
  // `default` may be listed (to give it quotas); it exists whether listed or not.
  return specs;
}
