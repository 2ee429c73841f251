/**
 * @module
 * API keys in memory (NANOFAAS_STORE=memory and tests): nothing survives a restart.
 */
import type { ApiKeyRow, ApiKeyRows } from "../state-store";

export function createMemoryApiKeyRows(): ApiKeyRows {
  const rows = new Map<string, ApiKeyRow>();
  return {
    loadAll: async () => [...rows.values()].map((row) => ({ ...row, scopes: [...row.scopes] })),
    put: async (row) => void rows.set(row.id, { ...row, scopes: [...row.scopes] }),
    delete: async (id) => rows.delete(id),
  };
}
