/**
 * @module
 * What a message-queue consumer does with a message once its execution is settled (issue 21):
 * the one place that decides ack, nak or terminate, shared by the brokers' consumers.
 */
import type { ExecutionState } from "../../execution/invoker";

export type MessageOutcome =
  /** The body is not JSON: it would fail every redelivery. */
  | { kind: "invalid" }
  /** The execution could not be admitted (429 lane full, 503 store unavailable, 404 …). */
  | { kind: "not-admitted"; error: unknown }
  | { kind: "ended"; executionId: string; status: ExecutionState; errorCode?: string };

export type SettleAction =
  | { kind: "ack"; counted: "acked" }
  | { kind: "term"; reason: string; counted: "failed" | "invalid" }
  | { kind: "nak"; delayMs: number; counted: "nacked" };

/**
 * Ends that are not the function's failure: the engine did not dead-letter them (src/dlq), so the
 * message must come back rather than be lost.
 */
const NOT_THE_FUNCTIONS_FAILURE = new Set([
  "FUNCTION_REMOVED",
  "SHUTDOWN",
  "CONTROL_PLANE_RESTARTED",
  "EXECUTION_UNKNOWN",
]);

/** Redelivery delay after the n-th delivery: 1 s, 2 s, 4 s … at most 30 s. */
export function nakDelayMs(redeliveries: number): number {
  return Math.min(30_000, 1_000 * 2 ** Math.min(Math.max(redeliveries, 0), 5));
}

export function settleAction(outcome: MessageOutcome, redeliveries: number): SettleAction {
  if (outcome.kind === "invalid") return { kind: "term", reason: "body is not JSON", counted: "invalid" };
  if (outcome.kind === "not-admitted") return { kind: "nak", delayMs: nakDelayMs(redeliveries), counted: "nacked" };
  if (outcome.status === "success") return { kind: "ack", counted: "acked" };
  if (outcome.errorCode !== undefined && NOT_THE_FUNCTIONS_FAILURE.has(outcome.errorCode)) {
    return { kind: "nak", delayMs: nakDelayMs(redeliveries), counted: "nacked" };
  }
  // The engine used up the function's attempts and dead-lettered the execution: no redelivery.
  return {
    kind: "term",
    reason: `execution ${outcome.executionId} ended ${outcome.status}${outcome.errorCode ? ` (${outcome.errorCode})` : ""}; see the DLQ`,
    counted: "failed",
  };
}
