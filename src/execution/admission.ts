/**
 * @module
 * Admission rules (SPEC §1.2, §1.3, §1.9) as small functions that either return or throw the typed
 * rejection the edge maps to 429 + Retry-After + X-Queue-Reject-Reason.
 */
import type { QueueRejectReason } from "../contracts/headers";
import { NanofaasError } from "../domain/errors";
import type { FunctionQueue } from "../queue/function-queue";
import type { Lane } from "./execution-record";
import type { RuntimeSettings } from "./runtime-settings";

export function rejection(reason: QueueRejectReason, message: string, retryAfterSeconds: number): NanofaasError {
  const code =
    reason === "rate" || reason === "tenant_rate"
      ? "RATE_LIMITED"
      : reason === "timeout"
        ? "QUEUE_TIMEOUT"
        : "QUEUE_FULL";
  return new NanofaasError(code, message, { rejectReason: reason, retryAfterSeconds });
}

/** What admission reads besides the queue; one object per engine (not per call). */
export interface LaneAdmission {
  settings: RuntimeSettings;
  /** Global cap on queued sync items across functions; 0 = none (documented in docs/configuration.md). */
  syncMaxDepth: number;
  totalSyncDepth: () => number;
}

/**
 * Throws the rejection for putting one more item in `lane` of `queue`, or returns when it fits.
 * The tenant's quotas are asked last, once everything else admitted the call, so a call refused
 * for another reason takes none of the tenant's rate.
 */
export function checkLaneAdmission(queue: FunctionQueue, lane: Lane, a: LaneAdmission, now: number): void {
  checkQueues(queue, lane, a, now);
  queue.tenantGate?.admit(lane === "sync", queue.fn.effectiveExecutionMode === "REMOTE", now);
}

function checkQueues(queue: FunctionQueue, lane: Lane, a: LaneAdmission, now: number): void {
  const retryAfter = a.settings.syncQueueRetryAfterSeconds;
  const buffer = queue.lane(lane);
  if (!queue.hasRoom(lane)) {
    throw rejection(
      "depth",
      `Queue of function '${queue.name}' is full (${buffer.capacity} ${lane} items)`,
      retryAfter,
    );
  }
  if (lane !== "sync") return;
  if (a.syncMaxDepth > 0 && a.totalSyncDepth() >= a.syncMaxDepth) {
    throw rejection("depth", `Sync queue is full (${a.syncMaxDepth} items across functions)`, retryAfter);
  }
  if (!a.settings.syncQueueAdmissionEnabled) return;
  // Items ahead of this one: the lane, plus one when every slot is busy (it must wait for a release).
  const ahead = buffer.size + (queue.hasFreeSlot ? 0 : 1);
  const estimate = queue.estimatedWaitMs(ahead, now);
  if (estimate > a.settings.syncQueueMaxEstimatedWaitMs) {
    throw rejection(
      "est_wait",
      `Estimated wait ${Math.round(estimate)} ms exceeds ${a.settings.syncQueueMaxEstimatedWaitMs} ms for function '${queue.name}'`,
      retryAfter,
    );
  }
}
