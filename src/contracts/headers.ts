/**
 * @module
 * Header names shared by the control plane, the watchdog and the runtimes.
 * Spelling follows the reference control plane so existing clients keep working.
 */
export const Header = {
  executionId: "X-Execution-Id",
  dispatchAttempt: "X-Dispatch-Attempt",
  traceId: "X-Trace-Id",
  traceparent: "traceparent",
  tracestate: "tracestate",
  idempotencyKey: "Idempotency-Key",
  timeoutMs: "X-Timeout-Ms",
  /** Pins one call to a version of the function (issue 22). */
  functionVersion: "X-Function-Version",
  coldStart: "X-Cold-Start",
  initDurationMs: "X-Init-Duration-Ms",
  retryAfter: "Retry-After",
  queueRejectReason: "X-Queue-Reject-Reason",
  callbackUrl: "X-Callback-Url",
  /** The per-execution callback token a pod sends back on `:complete` (docs/security.md). */
  callbackToken: "X-Callback-Token",
} as const;

/** Why a request was turned away with 429 (SPEC §1.2; the `tenant_*` ones: a tenant's quotas, SPEC-platform §3). */
export const QUEUE_REJECT_REASONS = [
  "rate",
  "depth",
  "est_wait",
  "timeout",
  "memory",
  "bulkhead",
  "tenant_rate",
  "tenant_concurrency",
  "tenant_queue",
] as const;
export type QueueRejectReason = (typeof QUEUE_REJECT_REASONS)[number];
