/**
 * @module
 * The `dlq` area of the SQLite schema (migrations.ts): dead-lettered executions. Times are epoch
 * milliseconds; input is the JSON text as it came in, metadata and error are JSON text.
 */
import type { MigrationArea } from "./migration-area";

export const DLQ_SCHEMA: MigrationArea = {
  area: "dlq",
  steps: [
    {
      version: 1,
      sql: `
CREATE TABLE dead_letters (
  id TEXT PRIMARY KEY,
  function TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  input TEXT NOT NULL,
  metadata TEXT,
  error TEXT,
  attempts INTEGER NOT NULL,
  failed_at INTEGER NOT NULL,
  replayed_as TEXT,
  root_execution_id TEXT
);
CREATE INDEX dead_letters_newest ON dead_letters (failed_at DESC, id DESC);
CREATE INDEX dead_letters_function_newest ON dead_letters (function, failed_at DESC, id DESC);
`,
    },
  ],
};
