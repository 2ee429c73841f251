/**
 * @module
 * Schema version 3 (issue 22): function version history, the same two tables as SQLite's
 * `versions` area. `spec` is JSON text, `created_at` epoch milliseconds, like the other versions.
 */
export const SCHEMA_V3 = `
CREATE TABLE function_versions (
  function text NOT NULL,
  version integer NOT NULL,
  spec text NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (function, version)
);
CREATE TABLE function_active_versions (
  function text PRIMARY KEY,
  version integer NOT NULL
);
`;
