/**
 * @module
 * Schema version 7 (issue 19): tenants and their quotas, the same table as SQLite's `tenants`
 * area. `quotas` is JSON text, times epoch milliseconds, like the other versions.
 */
export const SCHEMA_V7 = `
CREATE TABLE tenants (
  name text PRIMARY KEY,
  quotas text NOT NULL,
  source text NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
`;
