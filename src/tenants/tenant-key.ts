/**
 * @module
 * How a tenant's object names become the control plane's internal keys (issue 19). The `default`
 * tenant keeps bare names, so data, metrics and Kubernetes objects from before tenants keep theirs;
 * every other tenant's names are qualified as `<tenant>/<name>`. `/` cannot occur in a function or
 * tenant name, so a key never means two things. Qualification happens at the API edge and in the
 * registry; the engine only ever sees keys.
 */
import { DEFAULT_TENANT } from "./tenant-spec";

/** The internal key of `name` owned by `tenant`. */
export const qualify = (tenant: string, name: string): string =>
  tenant === DEFAULT_TENANT ? name : `${tenant}/${name}`;

/** The owner and the tenant-local name of an internal key. */
export function splitKey(key: string): { tenant: string; name: string } {
  const slash = key.indexOf("/");
  return slash < 0
    ? { tenant: DEFAULT_TENANT, name: key }
    : { tenant: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The tenant that owns an internal key. */
export const tenantOfKey = (key: string): string => {
  const slash = key.indexOf("/");
  return slash < 0 ? DEFAULT_TENANT : key.slice(0, slash);
};

/** A chain's `next` (a name in the spec of function `fromKey`) as the key of its tenant's function. */
export const nextKey = (fromKey: string, next: string): string => qualify(tenantOfKey(fromKey), next);
