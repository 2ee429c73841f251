/**
 * @module
 * The audit log in the memory store. Owned by the authentication work (issue 18), which replaces
 * this placeholder; until then every call is refused clearly (append drops nothing silently: it throws).
 */
import type { AuditRows } from "../state-store";

export function createMemoryAuditRows(): AuditRows {
  const missing = (): never => {
    throw new Error("the audit log is not implemented for the memory store yet");
  };
  return {
    append: () => missing(),
    flush: async () => missing(),
    list: async () => missing(),
    sweep: async () => missing(),
  };
}
