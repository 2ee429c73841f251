/**
 * @module
 * A synchronous caller waiting for its execution (reference §1.7, SPEC §1.3/§1.7). One deadline per
 * waiter — this is time-based work, never on the dispatch path. It fires at the earlier of the
 * sync-queue max wait (only while the first attempt is still queued) and the caller's own deadline.
 * Deadlines come from a shared `Deadlines` and are cancelled as soon as the caller is answered.
 */
import type { NanofaasError } from "../domain/errors";
import type { Deadline, Deadlines } from "../lib/deadlines";
import type { ExecutionRecord } from "./execution-record";
import type { InvocationOutcome } from "./invoker";

export interface WaitHooks {
  now: () => number;
  /** Where the wait's timer lives (shared: one timer per wait length, cancelled when answered). */
  deadlines: Deadlines;
  /** Max time in the sync lane before 429 `timeout`; undefined for the async lane. */
  maxQueueWaitMs(record: ExecutionRecord): number | undefined;
  /** Whether the max queue wait applies right now (not while a function waits for its first replica). */
  queueWaitApplies(record: ExecutionRecord): boolean;
  /** Removes the item and returns the 429 to throw to this caller. */
  onQueueTimeout(record: ExecutionRecord): NanofaasError;
  /** Marks the execution `timeout` (removing it first if still queued). */
  onCallerTimeout(record: ExecutionRecord): void;
}

const stillWaitingInQueue = (record: ExecutionRecord) => record.state === "queued" && record.dispatchedAttempt === 0;

export function waitForOutcome(record: ExecutionRecord, waitMs: number, hooks: WaitHooks): Promise<InvocationOutcome> {
  if (record.isTerminal) return Promise.resolve(record.outcome());
  return new Promise((resolve, reject) => {
    const callerDeadline = hooks.now() + waitMs;
    const maxQueueWaitMs = hooks.maxQueueWaitMs(record);
    let queueDeadline =
      maxQueueWaitMs !== undefined && stillWaitingInQueue(record)
        ? record.enqueuedAt + maxQueueWaitMs
        : Number.POSITIVE_INFINITY;
    let deadline: Deadline | undefined;
    let answered = false;

    const arm = () => {
      const next = Math.min(callerDeadline, queueDeadline);
      deadline = hooks.deadlines.add(Math.max(0, next - hooks.now()), check);
    };
    const check = () => {
      if (answered || record.isTerminal) return;
      const now = hooks.now();
      if (now >= queueDeadline) {
        if (stillWaitingInQueue(record) && queueDeadline < callerDeadline && hooks.queueWaitApplies(record)) {
          answered = true; // the 429 below, not the `timeout` outcome the removal settles the record with
          reject(hooks.onQueueTimeout(record));
          return;
        }
        queueDeadline = Number.POSITIVE_INFINITY;
      }
      if (now >= callerDeadline) {
        hooks.onCallerTimeout(record); // settles the record as `timeout`, which answers below
        return;
      }
      arm();
    };

    // Called from the record's terminal transition itself: no extra promise or microtask per call.
    record.onSettled(() => {
      if (answered) return;
      answered = true;
      deadline?.cancel();
      resolve(record.outcome());
    });
    arm();
  });
}
