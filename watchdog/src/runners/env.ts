/**
 * @module
 * The environment a child sees: the watchdog's own, minus what belongs to the watchdog, plus the
 * invocation's identity. `CALLBACK_URL` is removed on purpose — in the reference an SDK child
 * inherited it and sent a second callback for the same execution.
 */
import type { Env } from "../config.ts";
import type { Invocation } from "./runner.ts";

const WATCHDOG_ONLY = ["CALLBACK_URL", "INVOCATION_PAYLOAD", "WARM_PORT", "CHILD_PORT"];

export function childBaseEnv(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !WATCHDOG_ONLY.includes(key)) out[key] = value;
  }
  return out;
}

/** STDIO and FILE children learn who they are from the environment, as in the reference. */
export function invocationEnv(base: Record<string, string>, inv: Invocation): Record<string, string> {
  const env: Record<string, string> = {
    ...base,
    EXECUTION_ID: inv.executionId,
    TRACE_ID: inv.traceId ?? "",
    DISPATCH_ATTEMPT: String(inv.dispatchAttempt),
  };
  if (inv.traceparent) env.TRACEPARENT = inv.traceparent;
  if (inv.tracestate) env.TRACESTATE = inv.tracestate;
  if (inv.idempotencyKey) env.IDEMPOTENCY_KEY = inv.idempotencyKey;
  return env;
}
