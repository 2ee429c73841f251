/**
 * @module
 * Does a registered function already match a local spec? The server answers with the *resolved*
 * spec (defaults filled in, `executionMode` reported as `requestedExecutionMode`, `endpointUrl`
 * set by the deployment backend), so plain equality would almost always say "changed" — the
 * reference CLI's bug. Instead, per field:
 *
 * - exact: `command`, `env`, `imagePullSecrets`, `image`, `runtimeCommand`, `rateLimitPerSecond`
 *   (absent locally must be absent/empty remotely: removing them is a change);
 * - fixed API defaults: `executionMode` (DEPLOYMENT) and `runtimeMode` (HTTP);
 * - only when set locally: `timeoutMs`, `concurrency`, `queueSize`, `maxRetries` (their defaults
 *   are server configuration), `endpointUrl` (backends fill it in), and the keys given inside
 *   `resources`, `scalingConfig`, `retryBackoff` (the server completes them).
 *
 * So removing a defaulted field from the spec is not seen as a change: `fn apply --force` re-creates.
 */
import type { FunctionResponse, FunctionSpec } from "../../openapi/client";

const isNullish = (v: unknown): v is null | undefined => v === null || v === undefined;

/** Names of the fields that differ; empty when the registered function matches `local`. */
export function specDifferences(local: FunctionSpec, remote: FunctionResponse): string[] {
  const diffs: string[] = [];
  const check = (field: string, same: boolean) => {
    if (!same) diffs.push(field);
  };
  check("executionMode", (local.executionMode ?? "DEPLOYMENT") === remote.requestedExecutionMode);
  check("runtimeMode", (local.runtimeMode ?? "HTTP") === remote.runtimeMode);
  check("command", deepEqual(local.command ?? [], remote.command ?? []));
  check("env", deepEqual(local.env ?? {}, remote.env ?? {}));
  check("imagePullSecrets", deepEqual(local.imagePullSecrets ?? [], remote.imagePullSecrets ?? []));
  for (const field of ["image", "runtimeCommand", "rateLimitPerSecond"] as const) {
    check(field, (local[field] ?? undefined) === (remote[field] ?? undefined));
  }
  for (const field of ["timeoutMs", "concurrency", "queueSize", "maxRetries", "endpointUrl"] as const) {
    if (!isNullish(local[field])) check(field, local[field] === remote[field]);
  }
  for (const field of ["resources", "scalingConfig", "retryBackoff"] as const) {
    if (!isNullish(local[field])) check(field, contains(remote[field], local[field]));
  }
  return diffs;
}

/**
 * Every key set in `wanted` has the same value in `actual`, recursively; arrays must have the same
 * length and match element by element (the server completes each scaling metric, too).
 */
export function contains(actual: unknown, wanted: unknown): boolean {
  if (isNullish(wanted)) return true;
  if (Array.isArray(wanted)) {
    return Array.isArray(actual) && actual.length === wanted.length && wanted.every((w, i) => contains(actual[i], w));
  }
  if (typeof wanted !== "object") return actual === wanted;
  if (typeof actual !== "object" || actual === null || Array.isArray(actual)) return false;
  const record = actual as Record<string, unknown>;
  return Object.entries(wanted).every(([key, value]) => contains(record[key], value));
}

const deepEqual = (a: unknown, b: unknown): boolean => Bun.deepEquals(a, b, true);
