/**
 * @module
 * The dead-letter queue on SQLite. Owned by the DLQ + history work (issue 17): it adds its own
 * migration area (migrations.ts) and replaces this placeholder, which refuses every call clearly.
 */
import type { Database } from "bun:sqlite";
import type { DeadLetterRows } from "../state-store";

export function createSqliteDeadLetterRows(_db: Database): DeadLetterRows {
  const missing = (): never => {
    throw new Error("the dead-letter queue is not implemented for the SQLite store yet");
  };
  return {
    add: async () => missing(),
    get: async () => missing(),
    list: async () => missing(),
    markReplayed: async () => missing(),
    delete: async () => missing(),
    purge: async () => missing(),
    sizes: async () => missing(),
    sweep: async () => missing(),
  };
}
