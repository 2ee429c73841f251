/**
 * @module
 * The `triggers` area of the SQLite schema (migrations.ts): cron fire state and webhooks (issue 21).
 * Times are epoch milliseconds; `pending` and `filters` are JSON text.
 */
import type { MigrationArea } from "./migration-area";

export const TRIGGERS_SCHEMA: MigrationArea = {
  area: "triggers",
  steps: [
    {
      version: 1,
      sql: `
CREATE TABLE cron_schedules (
  function TEXT NOT NULL,
  schedule_id TEXT NOT NULL,
  last_scheduled_at INTEGER NOT NULL,
  last_run_at INTEGER,
  last_execution_id TEXT,
  paused INTEGER NOT NULL,
  pending TEXT NOT NULL,
  PRIMARY KEY (function, schedule_id)
);
CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  function TEXT NOT NULL,
  format TEXT NOT NULL,
  mode TEXT NOT NULL,
  filters TEXT NOT NULL,
  secret TEXT NOT NULL,
  previous_secret TEXT,
  previous_secret_expires_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
ALTER TABLE executions ADD COLUMN trigger_info TEXT;
`,
    },
  ],
};
