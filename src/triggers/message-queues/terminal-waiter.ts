/**
 * @module
 * Waits for an execution to end, for the message-queue consumers: a message is acknowledged only
 * once its execution is terminal (at-least-once, issue 21). The engine tells us through its
 * observer (`onFinished`); an execution that ended before anyone waited (an idempotent replay of a
 * redelivered message, an execution from before a restart) is found through `findExecution`.
 */
import type { EngineObserver } from "../../execution/engine-observer";
import type { ExecutionState, ExecutionView, Invoker } from "../../execution/invoker";

export interface TerminalOutcome {
  status: ExecutionState;
  /** The error code of a failed execution (FUNCTION_REMOVED, SHUTDOWN … are not the function's failure). */
  errorCode?: string;
}

const isTerminal = (status: ExecutionState) => status === "success" || status === "error" || status === "timeout";

export class TerminalWaiter {
  private readonly waiting = new Map<string, ((outcome: TerminalOutcome) => void)[]>();
  private invoker?: Pick<Invoker, "findExecution">;

  /** Goes into the engine's observers (the engine is built after this waiter). */
  readonly observer: EngineObserver = {
    onFinished: (record) => {
      if (this.waiting.has(record.id)) this.settle(record.id, outcomeOf(record.view()));
    },
  };

  attach(invoker: Pick<Invoker, "findExecution">): void {
    this.invoker = invoker;
  }

  /** Resolves with the execution's terminal state; registers before looking, so no end is missed. */
  async wait(executionId: string): Promise<TerminalOutcome> {
    const ended = new Promise<TerminalOutcome>((resolve) => {
      const list = this.waiting.get(executionId);
      if (list) list.push(resolve);
      else this.waiting.set(executionId, [resolve]);
    });
    const view = await this.invoker?.findExecution(executionId);
    if (!view) this.settle(executionId, { status: "error", errorCode: "EXECUTION_UNKNOWN" });
    else if (isTerminal(view.status)) this.settle(executionId, outcomeOf(view));
    return ended;
  }

  /** How many executions someone waits for (tests, metrics). */
  get size(): number {
    return this.waiting.size;
  }

  /** Resolves every waiter of the execution (a redelivered message may wait beside the first). */
  private settle(executionId: string, outcome: TerminalOutcome): void {
    const resolvers = this.waiting.get(executionId) ?? [];
    this.waiting.delete(executionId);
    for (const resolve of resolvers) resolve(outcome);
  }
}

function outcomeOf(view: ExecutionView): TerminalOutcome {
  return view.error ? { status: view.status, errorCode: view.error.code } : { status: view.status };
}
