/**
 * @module
 * Schema version 9 (issue 23): an index for `GET /v1/executions?root=` (a whole function chain or
 * DLQ replay chain). Partial: only chained and replayed executions have a root.
 */
export const SCHEMA_V9 = `
CREATE INDEX executions_root ON executions (root_execution_id) WHERE root_execution_id IS NOT NULL;
`;
