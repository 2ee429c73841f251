/**
 * @module
 * Execution events as log lines, each with `executionId`, `function` and `traceId`. Routine steps
 * (queued, dispatched, success) are `debug`; retries and timeouts `info`; errors `warn`. Hooks are
 * only installed for enabled levels, so a disabled level costs nothing on the invoke path.
 */
import type { QueueRejectReason } from "../contracts/headers";
import type { EngineObserver } from "../execution/engine-observer";
import type { ExecutionRecord, Lane } from "../execution/execution-record";
import type { Logger } from "./logger";

const fields = (record: ExecutionRecord) => ({
  executionId: record.id,
  function: record.fn.name,
  traceId: record.trace.traceId,
  attempt: record.attempt,
  lane: record.lane,
});

export function createLogObserver(logger: Logger): EngineObserver {
  const debug = logger.isLevelEnabled("debug");
  const info = logger.isLevelEnabled("info");
  const warn = logger.isLevelEnabled("warn");
  const observer: EngineObserver = {};
  if (debug) {
    observer.onEnqueued = (record: ExecutionRecord, _lane: Lane) => logger.debug(fields(record), "execution queued");
    observer.onDispatched = (record: ExecutionRecord) => logger.debug(fields(record), "execution dispatched");
    observer.onRejected = (functionName: string, lane: Lane, reason: QueueRejectReason) =>
      logger.debug({ function: functionName, lane, reason }, "invocation rejected");
  }
  if (info) {
    observer.onRetryScheduled = (record: ExecutionRecord, delayMs: number) =>
      logger.info({ ...fields(record), delayMs, error: record.lastError }, "execution retry scheduled");
    observer.onCallerTimeout = (record: ExecutionRecord) => logger.info(fields(record), "caller wait expired");
    observer.onQueueTimeout = (record: ExecutionRecord) =>
      logger.info(fields(record), "execution expired in the sync queue");
  }
  if (warn) {
    observer.onFinished = (record: ExecutionRecord) => {
      const durationMs = record.finishedAt !== null ? record.finishedAt - record.createdAt : undefined;
      if (record.state === "error")
        logger.warn({ ...fields(record), durationMs, error: record.error }, "execution failed");
      else if (record.state === "timeout") {
        if (info) logger.info({ ...fields(record), durationMs }, "execution timed out");
      } else if (debug)
        logger.debug({ ...fields(record), durationMs, coldStart: record.coldStart }, "execution succeeded");
    };
  }
  return observer;
}
