/**
 * @module
 * Hooks the engine calls at each step of an execution's life, so metrics, logs and traces stay
 * out of the engine. Every hook is optional; the default observer does nothing.
 */
import type { QueueRejectReason } from "../contracts/headers";
import type { ExecutionRecord, Lane } from "./execution-record";

export interface EngineObserver {
  /** A record entered a lane (first admission or a retry). */
  onEnqueued?(record: ExecutionRecord, lane: Lane): void;
  onRejected?(functionName: string, lane: Lane, reason: QueueRejectReason): void;
  onDispatched?(record: ExecutionRecord): void;
  onRetryScheduled?(record: ExecutionRecord, delayMs: number): void;
  /** A record reached a terminal state. */
  onFinished?(record: ExecutionRecord): void;
  /** A sync caller's wait expired. */
  onCallerTimeout?(record: ExecutionRecord): void;
  /** A sync item waited longer than the max queue wait. */
  onQueueTimeout?(record: ExecutionRecord): void;
  onSlotsChanged?(functionName: string, inFlight: number): void;
}

export const NO_OBSERVER: EngineObserver = {};
