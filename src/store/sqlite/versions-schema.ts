/**
 * @module
 * The `versions` area of the SQLite schema (migrations.ts): function version history (issue 22).
 * `spec` is JSON text; `created_at` epoch milliseconds.
 */
import type { MigrationArea } from "./migration-area";

export const VERSIONS_SCHEMA: MigrationArea = {
  area: "versions",
  steps: [
    {
      version: 1,
      sql: `
CREATE TABLE function_versions (
  function TEXT NOT NULL,
  version INTEGER NOT NULL,
  spec TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (function, version)
);
CREATE TABLE function_active_versions (
  function TEXT PRIMARY KEY,
  version INTEGER NOT NULL
);
`,
    },
    {
      // The traffic split (JSON text `[{version, weight}]`), NULL when all goes to the active version.
      version: 2,
      sql: "ALTER TABLE function_active_versions ADD COLUMN traffic TEXT;",
    },
  ],
};
