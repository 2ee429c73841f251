/**
 * @module
 * The core area of the SQLite schema: functions, executions and idempotency keys (migrations.ts
 * says how steps are added). Times are epoch milliseconds; JSON columns are text.
 */
import type { MigrationArea } from "./migration-area";

export const CORE_SCHEMA: MigrationArea = {
  area: "core",
  steps: [
    {
      version: 1,
      sql: `
CREATE TABLE functions (
  name TEXT PRIMARY KEY,
  spec TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE executions (
  id TEXT PRIMARY KEY,
  function TEXT NOT NULL,
  lane TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  input TEXT NOT NULL,
  metadata TEXT,
  idempotency_key TEXT,
  trace TEXT NOT NULL,
  output TEXT,
  error TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  cold_start INTEGER NOT NULL,
  init_duration_ms INTEGER,
  parent_execution_id TEXT,
  root_execution_id TEXT
);
CREATE INDEX executions_unfinished ON executions (status) WHERE status IN ('queued', 'running');
CREATE INDEX executions_finished ON executions (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX executions_newest ON executions (created_at DESC, id DESC);
CREATE INDEX executions_function_newest ON executions (function, created_at DESC, id DESC);
CREATE TABLE idempotency_keys (
  function TEXT NOT NULL,
  key TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (function, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
`,
    },
    {
      // GET /v1/executions?root= follows a chain (issue 23); only chained and replayed rows have a root
      version: 2,
      sql: "CREATE INDEX executions_root ON executions (root_execution_id) WHERE root_execution_id IS NOT NULL;",
    },
    {
      // Every recorded execution paid for this index (about 1 µs of the writer thread's CPU per row:
      // sync :invoke on SQLite is bound by total CPU on a small machine, docs/performance.md). Only
      // the retention sweep read it; it now walks executions_newest instead (core-rows.ts).
      version: 3,
      sql: "DROP INDEX IF EXISTS executions_finished;",
    },
  ],
};
