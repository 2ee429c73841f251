/**
 * @module
 * The `tenants` area of the SQLite schema (migrations.ts): tenants and their quotas (issue 19).
 * `quotas` is JSON text; times are epoch milliseconds.
 */
import type { MigrationArea } from "./migration-area";

export const TENANTS_SCHEMA: MigrationArea = {
  area: "tenants",
  steps: [
    {
      version: 1,
      sql: `
CREATE TABLE tenants (
  name TEXT PRIMARY KEY,
  quotas TEXT NOT NULL,
  source TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
`,
    },
  ],
};
