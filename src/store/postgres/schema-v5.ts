/**
 * @module
 * Schema version 5 (issue 23): workflow definitions, runs and their steps — the same three tables
 * as SQLite's `workflows` area. Times are epoch milliseconds (bigint); definitions, inputs, outputs
 * and errors are JSON text (database.ts says why not jsonb). A step row keeps its `position` in the
 * definition, so a run reads back with its steps in the order they were written.
 */
export const SCHEMA_V5 = `
CREATE TABLE workflows (
  name text PRIMARY KEY,
  version integer NOT NULL,
  definition text NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE TABLE workflow_runs (
  id text PRIMARY KEY,
  workflow text NOT NULL,
  version integer NOT NULL,
  definition text NOT NULL,
  status text NOT NULL,
  input text NOT NULL,
  output text,
  error text,
  started_at bigint NOT NULL,
  finished_at bigint,
  deadline bigint
);
CREATE INDEX workflow_runs_started ON workflow_runs (started_at DESC, id DESC);
CREATE INDEX workflow_runs_running ON workflow_runs (status) WHERE status = 'running';
CREATE TABLE workflow_run_steps (
  run_id text NOT NULL REFERENCES workflow_runs (id) ON DELETE CASCADE,
  step_id text NOT NULL,
  position integer NOT NULL,
  status text NOT NULL,
  execution_id text,
  attempts integer NOT NULL,
  input text,
  output text,
  error text,
  started_at bigint,
  finished_at bigint,
  PRIMARY KEY (run_id, step_id)
);
`;
