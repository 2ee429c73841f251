/**
 * @module
 * The audit log in the sqlite store. Owned by the authentication work (issue 18), which replaces
 * this placeholder; until then every call is refused clearly (append drops nothing silently: it throws).
 */
import type { Database } from "bun:sqlite";
import type { AuditRows } from "../state-store";

export function createSqliteAuditRows(_db: Database): AuditRows {
  const missing = (): never => {
    throw new Error("the audit log is not implemented for the sqlite store yet");
  };
  return {
    append: () => missing(),
    flush: async () => missing(),
    list: async () => missing(),
    sweep: async () => missing(),
  };
}
