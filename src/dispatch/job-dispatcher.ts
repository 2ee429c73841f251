/**
 * @module
 * REMOTE dispatch (SPEC §1.10): each attempt launches a one-shot Job and waits for the pod's
 * callback. The callback completes the execution through the engine, which then aborts
 * `task.settled`; this dispatcher answers at once with a placeholder the engine ignores. A Job
 * that fails or never calls back ends the attempt with `JOB_TIMEOUT` at its deadline, and a Job
 * that cannot be created ends it with `REMOTE_ERROR` — so every attempt resolves and releases its
 * slot (SPEC §1.6).
 *
 * Deadline = `timeoutMs` + a start-up allowance for scheduling, image pull and container start,
 * which a warm pod never pays. 60 s covers a pull of a few hundred MB on an ordinary node; the
 * Job's own `activeDeadlineSeconds` uses the same sum so Kubernetes stops the pod when we stop
 * waiting.
 */
import type { JobLauncher } from "../deploy/deployer";
import { type AttemptResult, type Dispatcher, failure } from "./dispatcher";

export interface JobDispatcherOptions {
  /** Base URL pods call back to: `{callbackUrl}/{executionId}:complete`. */
  callbackUrl: string;
  /** `Config.jobStartupAllowanceMs` (the Job's activeDeadlineSeconds uses the same value). */
  startupAllowanceMs: number;
  /** The callback token of an attempt (src/auth/callback-token.ts), given to its Job. */
  callbackToken?: (executionId: string, attempt: number) => string;
}

/** What the engine receives when the callback settled the attempt first; it is ignored. */
const SETTLED_BY_CALLBACK: AttemptResult = { ok: true, output: null, coldStart: false, initDurationMs: null };

export function createJobDispatcher(launcher: JobLauncher, options: JobDispatcherOptions): Dispatcher {
  const allowanceMs = options.startupAllowanceMs;
  return {
    dispatch({ record, attempt, settled }) {
      if (settled.aborted) return Promise.resolve(SETTLED_BY_CALLBACK);
      const deadlineMs = record.fn.timeoutMs + allowanceMs;
      return new Promise<AttemptResult>((resolve) => {
        let done = false;
        const finish = (result: AttemptResult) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          settled.removeEventListener("abort", onSettled);
          resolve(result);
        };
        const onSettled = () => finish(SETTLED_BY_CALLBACK);
        const timer = setTimeout(() => {
          const message =
            `Job for execution ${record.id} (attempt ${attempt}) did not report a result within ${deadlineMs} ms ` +
            `(timeoutMs ${record.fn.timeoutMs} + ${allowanceMs} ms start-up allowance)`;
          finish(failure("JOB_TIMEOUT", message, false, null, "timeout"));
        }, deadlineMs);
        settled.addEventListener("abort", onSettled, { once: true });
        launcher
          .launch({
            fn: record.fn,
            executionId: record.id,
            attempt,
            payload: record.body,
            traceId: record.trace.traceId,
            callbackUrl: options.callbackUrl,
            callbackToken: options.callbackToken?.(record.id, attempt),
          })
          .catch((error: unknown) => {
            const reason = error instanceof Error ? error.message : String(error);
            finish(failure("REMOTE_ERROR", `Could not start the Job for execution ${record.id}: ${reason}`));
          });
      });
    },
  };
}

/** Whether a deployer can also run REMOTE Jobs (the k8s backend can). */
export function isJobLauncher(value: unknown): value is JobLauncher {
  return typeof (value as Partial<JobLauncher> | undefined)?.launch === "function";
}
