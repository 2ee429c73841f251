/**
 * @module
 * One attempt of one execution, sent somewhere. Every dispatcher resolves (never rejects) with an
 * AttemptResult, and always within the attempt deadline, so no attempt can hold a slot forever
 * (SPEC §1.6).
 */
import type { Payload } from "../domain/payload";
import type { ErrorInfo } from "../contracts/pod";
import type { ExecutionRecord } from "../execution/execution-record";
import type { RetryClass } from "../resilience/resilience-spec";

export type AttemptResult =
  | { ok: true; output: Payload | null; coldStart: boolean; initDurationMs: number | null }
  | {
      ok: false;
      error: ErrorInfo;
      coldStart: boolean;
      initDurationMs: number | null;
      /** What kind of failure, for `retryOn` (absent: none of the four classes; always retryable). */
      retryClass?: RetryClass;
    };

export interface DispatchTask {
  record: ExecutionRecord;
  attempt: number;
  /** Where to POST (POOL: endpointUrl; DEPLOYMENT: a ready replica). Unused by LOCAL/REMOTE. */
  endpoint: string | undefined;
  /** Aborted when the attempt is settled by other means (callback) so waits can stop early. */
  settled: AbortSignal;
}

export interface Dispatcher {
  dispatch(task: DispatchTask): Promise<AttemptResult>;
}

export const failure = (
  code: string,
  message: string,
  coldStart = false,
  initDurationMs: number | null = null,
  retryClass?: RetryClass,
): AttemptResult => ({
  ok: false,
  error: { code, message },
  coldStart,
  initDurationMs,
  retryClass,
});
