/**
 * @module
 * Sync calls to a function whose replicas all fail (state `Failed` in function-status.ts) end at
 * once with the replicas' error instead of waiting out their timeout for a replica that will not
 * come (issue 24: a broken handler made every call wait 30 s for `{"status":"timeout"}`).
 * - At admission: the call is refused, 503 BACKEND_UNAVAILABLE, and no execution is created.
 * - Later, when a replica fails while none is ready: the sync calls already queued end `error`
 *   with the same code. Queued async work stays: it runs once a replica recovers (a fixed image, a
 *   re-registration), or fails by its own timeout and retries.
 */
import { NanofaasError } from "../domain/errors";
import type { FunctionQueue } from "../queue/function-queue";
import type { ExecutionRecord } from "./execution-record";

const CODE = "BACKEND_UNAVAILABLE";

const messageOf = (name: string, error: string) =>
  `Function '${name}' has no ready replica, and its replicas fail: ${error}`;

/** The refusal of a sync call at admission (503, Retry-After). */
export function replicasFailedRejection(name: string, error: string, retryAfterSeconds: number): NanofaasError {
  return new NanofaasError(CODE, messageOf(name, error), { retryAfterSeconds });
}

/** The error a queued sync execution ends with. */
export function replicasFailedError(name: string, error: string): { code: string; message: string } {
  return { code: CODE, message: messageOf(name, error) };
}

/**
 * Takes the records a sync caller waits for out of both lanes (a sync call waits in the async lane
 * when the sync queue is off), keeping the others in their order; returns the ones taken.
 */
export function takeAwaited(queue: FunctionQueue): ExecutionRecord[] {
  const taken: ExecutionRecord[] = [];
  for (const name of ["sync", "async"] as const) {
    const lane = queue.lane(name);
    if (lane.isEmpty) continue;
    const kept: ExecutionRecord[] = [];
    lane.drainTo((record) => (record.awaited ? taken : kept).push(record));
    for (const record of kept) lane.push(record);
  }
  return taken;
}
