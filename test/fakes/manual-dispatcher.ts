/**
 * A Dispatcher whose attempts the test finishes by hand: every dispatch is recorded as pending
 * until the test calls `succeed`, `fail` or `finishAll`. Lets engine tests control timing exactly.
 */
import type { Json } from "../../src/contracts/pod";
import type { AttemptResult, Dispatcher, DispatchTask } from "../../src/dispatch/dispatcher";

export interface PendingAttempt {
  task: DispatchTask;
  executionId: string;
  functionName: string;
  attempt: number;
  resolve(result: AttemptResult): void;
}

export class ManualDispatcher implements Dispatcher {
  readonly pending: PendingAttempt[] = [];
  readonly dispatched: PendingAttempt[] = [];

  dispatch(task: DispatchTask): Promise<AttemptResult> {
    return new Promise((resolve) => {
      const entry = {
        task,
        executionId: task.record.id,
        functionName: task.record.fn.name,
        attempt: task.attempt,
        resolve: (r: AttemptResult) => {
          const i = this.pending.indexOf(entry);
          if (i >= 0) this.pending.splice(i, 1);
          resolve(r);
        },
      };
      this.pending.push(entry);
      this.dispatched.push(entry);
    });
  }

  succeed(entry: PendingAttempt | undefined, output: Json = "ok"): void {
    entry!.resolve({ ok: true, output, coldStart: false, initDurationMs: null });
  }

  fail(entry: PendingAttempt | undefined, code = "POOL_ERROR", message = "boom"): void {
    entry!.resolve({ ok: false, error: { code, message }, coldStart: false, initDurationMs: null });
  }

  finishAll(output: Json = "ok"): void {
    for (const entry of [...this.pending]) this.succeed(entry, output);
  }
}

/** Lets queued microtasks and promise callbacks run. */
export const settle = async (rounds = 5) => {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
};
