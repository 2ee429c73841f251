/**
 * @module
 * Schema version 6 (issue 22): a function's traffic split (JSON text `[{version, weight}]`) beside
 * its active version; NULL when everything goes to the active version. As SQLite's `versions` area, step 2.
 */
export const SCHEMA_V6 = `
ALTER TABLE function_active_versions ADD COLUMN traffic text;
`;
