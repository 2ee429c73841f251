/**
 * @module
 * Schema version 8 (issue 20): the control planes sharing this database. A replica adds its row
 * when it takes its presence lock and removes it when it closes; a row whose presence lock is free
 * belongs to a replica that is gone and is removed by whoever counts the live ones (presence.ts).
 */
export const SCHEMA_V8 = `
CREATE TABLE control_planes (
  replica_id text PRIMARY KEY,
  started_at bigint NOT NULL
);
`;
