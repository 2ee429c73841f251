/**
 * @module
 * API keys in the memory store. Owned by the authentication work (issue 18), which replaces this
 * placeholder (and adds its migration area for SQLite); until then every call is refused clearly.
 */
import type { ApiKeyRows } from "../state-store";

export function createMemoryApiKeyRows(): ApiKeyRows {
  const missing = (): never => {
    throw new Error("API keys are not implemented for the memory store yet");
  };
  return { loadAll: async () => missing(), put: async () => missing(), delete: async () => missing() };
}
