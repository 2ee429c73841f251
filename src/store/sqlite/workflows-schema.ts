/**
 * @module
 * The `workflows` area of the SQLite schema (migrations.ts): definitions, runs and their steps
 * (issue 23). Times are epoch milliseconds; definitions, inputs, outputs and errors are JSON text.
 */
import type { MigrationArea } from "./migration-area";

export const WORKFLOWS_SCHEMA: MigrationArea = {
  area: "workflows",
  steps: [
    {
      version: 1,
      sql: `
CREATE TABLE workflows (
  name TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  definition TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE workflow_runs (
  id TEXT PRIMARY KEY,
  workflow TEXT NOT NULL,
  version INTEGER NOT NULL,
  definition TEXT NOT NULL,
  status TEXT NOT NULL,
  input TEXT NOT NULL,
  output TEXT,
  error TEXT,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  deadline INTEGER
);
CREATE INDEX workflow_runs_started ON workflow_runs (started_at DESC, id DESC);
CREATE INDEX workflow_runs_status ON workflow_runs (status);
CREATE TABLE workflow_run_steps (
  run_id TEXT NOT NULL,
  step_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  status TEXT NOT NULL,
  execution_id TEXT,
  attempts INTEGER NOT NULL,
  input TEXT,
  output TEXT,
  error TEXT,
  started_at INTEGER,
  finished_at INTEGER,
  PRIMARY KEY (run_id, step_id)
);
`,
    },
  ],
};
