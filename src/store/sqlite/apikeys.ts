/**
 * @module
 * API keys in the sqlite store. Owned by the authentication work (issue 18), which replaces this
 * placeholder (and adds its migration area for SQLite); until then every call is refused clearly.
 */
import type { Database } from "bun:sqlite";
import type { ApiKeyRows } from "../state-store";

export function createSqliteApiKeyRows(_db: Database): ApiKeyRows {
  const missing = (): never => {
    throw new Error("API keys are not implemented for the sqlite store yet");
  };
  return { loadAll: async () => missing(), put: async () => missing(), delete: async () => missing() };
}
