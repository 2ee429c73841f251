/**
 * @module
 * A spec read back from the store (start-up recovery, a rollback's target version) carries its
 * function's internal key as `name`: `<tenant>/<name>` for a tenant other than `default`
 * (src/tenants/tenant-key.ts). The spec rules check the tenant-local name; the key is put back after.
 */
import { FunctionSpec } from "../domain/function-spec";
import { splitKey } from "../tenants/tenant-key";

export function parseStoredSpec(spec: unknown, key: string): FunctionSpec {
  const parsed = FunctionSpec.parse({ ...(spec as object), name: splitKey(key).name });
  return { ...parsed, name: key };
}
