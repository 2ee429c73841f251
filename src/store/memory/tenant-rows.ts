/**
 * @module
 * Tenants in memory (NANOFAAS_STORE=memory, and stores without the sub-store).
 */
import type { TenantRow, TenantRows } from "../tenant-rows";

export function createMemoryTenantRows(): TenantRows {
  const rows = new Map<string, TenantRow>();
  return {
    // By name in code-point order, as the SQL stores sort (BINARY / COLLATE "C").
    loadAll: async () =>
      [...rows.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((row) => structuredClone(row)),
    put: async (row) => void rows.set(row.name, structuredClone(row)),
    delete: async (name) => rows.delete(name),
  };
}
