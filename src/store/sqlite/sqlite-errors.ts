/**
 * @module
 * Which failed SQLite commits are a *poison row* (write-batcher.ts): the database refuses that row's
 * content, and would refuse it at every retry — a constraint (NOT NULL, CHECK, UNIQUE outside an
 * upsert's conflict target), a type mismatch, a value too big, or a value that cannot be serialised
 * or bound (a TypeError from JSON.stringify or the binding). Everything else — SQLITE_BUSY /
 * SQLITE_LOCKED (another writer), SQLITE_FULL (disk full), SQLITE_IOERR, SQLITE_READONLY,
 * SQLITE_CANTOPEN, a writer thread that died — is an outage: the rows are kept and retried.
 */

const POISON_CODES = new Set(["SQLITE_MISMATCH", "SQLITE_TOOBIG", "SQLITE_RANGE"]);

export function isSqlitePoison(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") return code.startsWith("SQLITE_CONSTRAINT") || POISON_CODES.has(code);
  return error.name === "TypeError" || error.name === "RangeError";
}
