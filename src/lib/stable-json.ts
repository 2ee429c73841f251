/**
 * @module
 * JSON with object keys sorted at every level: two values that mean the same compare equal as
 * strings even when one went through a server that reorders keys (the Kubernetes API server
 * returns custom resources with sorted keys). `undefined` members are dropped, as JSON does.
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}
