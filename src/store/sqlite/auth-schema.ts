/**
 * @module
 * The auth area of the SQLite schema (issue 18): API keys (only the SHA-256 of a secret) and the
 * audit log, listed newest first on (time, id).
 */
import type { MigrationArea } from "./migration-area";

export const AUTH_SCHEMA: MigrationArea = {
  area: "auth",
  steps: [
    {
      version: 1,
      sql: `
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  key_sha256 TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL,
  tenant TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER
);
CREATE TABLE audit_events (
  id TEXT PRIMARY KEY,
  time INTEGER NOT NULL,
  actor TEXT NOT NULL,
  tenant TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  outcome TEXT NOT NULL,
  status INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  source TEXT NOT NULL
);
CREATE INDEX audit_events_newest ON audit_events (time DESC, id DESC);
`,
    },
  ],
};
