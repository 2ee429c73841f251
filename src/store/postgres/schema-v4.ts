/**
 * @module
 * Schema version 4 (issue 20): which control plane owns an unfinished execution. Every replica
 * writes its id into the rows it accepts and runs; another replica takes over the unfinished rows
 * of an owner that is gone (presence.ts, executions.ts `claimUnfinished`). Rows from before this
 * version have no owner and are claimed like a departed owner's.
 */
export const SCHEMA_V4 = `
ALTER TABLE executions ADD COLUMN owner text;
CREATE INDEX executions_unfinished_owner ON executions (owner) WHERE status IN ('queued', 'running');
`;
