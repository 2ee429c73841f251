/**
 * @module
 * Container environment of function pods, in the reference's order (control-plane.md §6.2) for
 * warm Deployments and the seed design's watchdog one-shot variables for Jobs (SPEC §1.10). Names
 * the control plane sets are reserved: a user `env` entry with one of them is dropped silently, as
 * the reference does, so a function cannot break its own contract with the control plane.
 */

import type { ResolvedFunction } from "../../domain/resolved-function";
import type { JobRequest } from "../deployer";

export interface EnvVar {
  name: string;
  value: string;
}

export const DEPLOYMENT_RESERVED_ENV = [
  "FUNCTION_NAME",
  "WARM",
  "TIMEOUT_MS",
  "EXECUTION_MODE",
  "WATCHDOG_CMD",
  "CALLBACK_URL",
] as const;
export const JOB_RESERVED_ENV = [
  ...DEPLOYMENT_RESERVED_ENV,
  "EXECUTION_ID",
  "INVOCATION_PAYLOAD",
  "TRACE_ID",
  "DISPATCH_ATTEMPT",
  "CALLBACK_TOKEN",
] as const;

const nonBlank = (value: string | undefined): value is string => value !== undefined && value.trim() !== "";

function userEnv(fn: ResolvedFunction, reserved: readonly string[]): EnvVar[] {
  return Object.entries(fn.env)
    .filter(([name]) => !reserved.includes(name))
    .map(([name, value]) => ({ name, value }));
}

/** Warm pods: `FUNCTION_NAME, WARM, TIMEOUT_MS, EXECUTION_MODE, [WATCHDOG_CMD], [CALLBACK_URL]`, then the user's. */
export function deploymentEnv(fn: ResolvedFunction, callbackUrl: string | undefined): EnvVar[] {
  const env: EnvVar[] = [
    { name: "FUNCTION_NAME", value: fn.name },
    { name: "WARM", value: "true" },
    { name: "TIMEOUT_MS", value: String(fn.timeoutMs) },
    { name: "EXECUTION_MODE", value: fn.runtimeMode },
  ];
  if (nonBlank(fn.runtimeCommand)) env.push({ name: "WATCHDOG_CMD", value: fn.runtimeCommand });
  if (nonBlank(callbackUrl)) env.push({ name: "CALLBACK_URL", value: callbackUrl });
  return [...env, ...userEnv(fn, DEPLOYMENT_RESERVED_ENV)];
}

/**
 * One-shot Job pods: the seed design's variables in its order, then `DISPATCH_ATTEMPT` (the
 * watchdog sends it back as `X-Dispatch-Attempt`, so a late callback from a timed-out attempt
 * cannot complete a retry) and an explicit `WARM=false` (an image built for warm mode may set
 * `WARM=true` in its own environment; the Job must run once and exit).
 */
export function jobEnv(job: JobRequest): EnvVar[] {
  const { fn } = job;
  const env: EnvVar[] = [
    { name: "FUNCTION_NAME", value: fn.name },
    { name: "EXECUTION_ID", value: job.executionId },
    { name: "CALLBACK_URL", value: job.callbackUrl },
    { name: "INVOCATION_PAYLOAD", value: job.payload },
    { name: "TIMEOUT_MS", value: String(fn.timeoutMs) },
    { name: "EXECUTION_MODE", value: fn.runtimeMode },
  ];
  if (nonBlank(fn.runtimeCommand)) env.push({ name: "WATCHDOG_CMD", value: fn.runtimeCommand });
  if (nonBlank(job.traceId)) env.push({ name: "TRACE_ID", value: job.traceId });
  env.push({ name: "DISPATCH_ATTEMPT", value: String(job.attempt) }, { name: "WARM", value: "false" });
  // Sent back as X-Callback-Token; worthless for any other execution or attempt (docs/security.md).
  if (job.callbackToken) env.push({ name: "CALLBACK_TOKEN", value: job.callbackToken });
  return [...env, ...userEnv(fn, JOB_RESERVED_ENV)];
}

/** Each given quantity is both request and limit (reference §6.2); nothing given → no block. */
export function containerResources(resources: ResolvedFunction["resources"]) {
  const set: Record<string, string> = {};
  if (nonBlank(resources?.cpu ?? undefined)) set.cpu = resources!.cpu!.trim();
  if (nonBlank(resources?.memory ?? undefined)) set.memory = resources!.memory!.trim();
  return Object.keys(set).length === 0 ? undefined : { requests: set, limits: { ...set } };
}

/** Pull secrets as references, blank entries dropped and names trimmed (reference §6.2). */
export function pullSecrets(fn: ResolvedFunction): { name: string }[] | undefined {
  const names = (fn.imagePullSecrets ?? []).map((s) => s.trim()).filter((s) => s !== "");
  return names.length === 0 ? undefined : names.map((name) => ({ name }));
}
