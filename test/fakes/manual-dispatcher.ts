/**
 * A Dispatcher whose attempts the test finishes by hand: every dispatch is recorded as pending
 * until the test calls `succeed`, `fail` or `finishAll`. Lets engine tests control timing exactly.
 * `applied()` waits until the engine has taken in every result handed back, so tests wait on that
 * fact instead of counting microtask rounds.
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
  /** One per result handed back: settles after the engine's own reaction to that result has run. */
  private readonly handedBack: Promise<unknown>[] = [];

  dispatch(task: DispatchTask): Promise<AttemptResult> {
    const result = new Promise<AttemptResult>((resolve) => {
      const entry = {
        task,
        executionId: task.record.id,
        functionName: task.record.fn.name,
        attempt: task.attempt,
        resolve: (r: AttemptResult) => {
          const i = this.pending.indexOf(entry);
          if (i >= 0) this.pending.splice(i, 1);
          resolve(r);
          // Registered after the engine's `.then` on the same promise, so it runs after it.
          this.handedBack.push(result.then(noop));
        },
      };
      this.pending.push(entry);
      this.dispatched.push(entry);
    });
    return result;
  }

  /** Resolves once the engine has applied every result handed back so far. */
  async applied(): Promise<void> {
    while (this.handedBack.length > 0) await Promise.all(this.handedBack.splice(0));
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

const noop = () => undefined;
