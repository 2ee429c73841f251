/**
 * @module
 * A REMOTE Job's result callback (`POST /v1/internal/executions/{id}:complete`, issue 13.5): which
 * callbacks decide an attempt, and the attempt result a callback stands for.
 */
import type { InvocationResult } from "../contracts/pod";
import type { AttemptResult } from "../dispatch/dispatcher";
import type { Payload } from "../domain/payload";
import { NanofaasError } from "../domain/errors";
import type { ExecutionRecord } from "./execution-record";

/**
 * Whether a callback for `attempt` of `record` decides that attempt. Late and duplicate callbacks
 * (a finished execution, an earlier attempt) are ignored. A callback for an attempt never
 * dispatched is forged: it would complete work that never ran, or requeue a queued record a second
 * time and leak its slot — refused with 409, nothing changed. Only a REMOTE Job reports by
 * callback; a POOL/DEPLOYMENT/LOCAL attempt (dispatched, so in flight) is decided by its response,
 * not by a racing callback from the same pod, so outcomes stay deterministic (the reference let the
 * first one win).
 */
export function acceptsCallback(record: ExecutionRecord, attempt: number): boolean {
  if (record.isTerminal || attempt < record.attempt) return false;
  if (attempt > record.dispatchedAttempt) {
    const where = record.state === "queued" ? "it is queued" : `attempt ${record.attempt} is current`;
    throw new NanofaasError(
      "CONFLICT",
      `Execution '${record.id}' attempt ${attempt} was never dispatched (${where}); the callback was not applied`,
    );
  }
  return record.fn.effectiveExecutionMode === "REMOTE";
}

export function attemptResultOf(result: InvocationResult<Payload>): AttemptResult {
  return result.success
    ? { ok: true, output: result.output ?? null, coldStart: false, initDurationMs: null }
    : {
        ok: false,
        // Reference bug §9.7 fixed: a failure without an error object still records an error.
        error: result.error ?? { code: "FUNCTION_ERROR", message: "Function reported failure without an error" },
        coldStart: false,
        initDurationMs: null,
      };
}
