/**
 * @module
 * What a sync caller's wait (sync-waiter.ts) does when its deadline fires: the engine side of the
 * wait. Built once per engine, never per call (the invoke hot path allocates no closures).
 */
import type { Deadlines } from "../lib/deadlines";
import { rejection } from "./admission";
import type { ReplicaEndpoints } from "./attempt-runner";
import type { EngineObserver } from "./engine-observer";
import type { ExecutionRecord } from "./execution-record";
import type { RuntimeSettings } from "./runtime-settings";
import type { WaitHooks } from "./sync-waiter";

export interface SyncWaitDeps {
  settings: RuntimeSettings;
  now: () => number;
  deadlines: Deadlines;
  replicas?: ReplicaEndpoints;
  observer: EngineObserver;
  /** Takes a still-queued record out of its lane, for good. */
  unqueue: (record: ExecutionRecord) => void;
  /** Applies a terminal transition through the attempt runner (slot, store, observer). */
  finish: (record: ExecutionRecord, transition: () => boolean) => void;
}

export function createSyncWaitHooks(deps: SyncWaitDeps): WaitHooks {
  const { settings, now, observer, unqueue, finish } = deps;
  return {
    now,
    deadlines: deps.deadlines,
    maxQueueWaitMs: (record) => (record.lane === "sync" ? settings.syncQueueMaxQueueWaitMs : undefined),
    // A cold start (scale from zero) is not a saturated queue: wait for the caller's deadline.
    queueWaitApplies: (record) =>
      record.fn.effectiveExecutionMode !== "DEPLOYMENT" || deps.replicas?.ready(record.fn.name) === true,
    onQueueTimeout: (record) => {
      unqueue(record);
      observer.onQueueTimeout?.(record);
      const message = `Waited longer than ${settings.syncQueueMaxQueueWaitMs} ms in the queue`;
      const error = rejection("timeout", message, settings.syncQueueRetryAfterSeconds);
      finish(record, () => record.timeOut(now(), message));
      return error;
    },
    onCallerTimeout: (record) => {
      // SPEC §1.7: still-queued work is removed and never dispatched; running work finishes.
      if (record.state === "queued") unqueue(record);
      observer.onCallerTimeout?.(record);
      finish(record, () =>
        record.timeOut(
          now(),
          "The caller's wait (X-Timeout-Ms or the function's timeoutMs) ended before the execution did",
        ),
      );
    },
  };
}
