/**
 * @module
 * Schema version 10 (issue 23 with issue 20): which control plane drives a running workflow run,
 * as `executions.owner` (v4) for executions. A replica resumes only the runs of owners that are
 * gone (their presence lock is free), never a live replica's. Runs from before this version have
 * no owner and are claimed like a departed owner's.
 */
export const SCHEMA_V10 = `
ALTER TABLE workflow_runs ADD COLUMN owner text;
CREATE INDEX workflow_runs_running_owner ON workflow_runs (owner) WHERE status = 'running';
`;
