/**
 * @module
 * One interface, one file per execution mode (HTTP, STDIO, FILE), as of-watchdog's FunctionRunner.
 * A runner turns an admitted invocation into an outcome and never throws for a function's failure:
 * failures are values in the pod error vocabulary.
 */
import type { Config, ExecutionMode } from "../config.ts";
import type { InvocationError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Children } from "../process/children.ts";

/** An admitted invocation, with its identity resolved (request.ts). */
export interface Invocation {
  executionId: string;
  traceId?: string;
  traceparent?: string;
  tracestate?: string;
  idempotencyKey?: string;
  dispatchAttempt: number;
  /** The request body exactly as received: `{"input","metadata"}` JSON. */
  body: Uint8Array<ArrayBuffer>;
}

export type Outcome = ({ ok: true; json: string } | { ok: false; error: InvocationError }) & {
  /**
   * Resolves once every process of this invocation is gone. An outcome can be known before that
   * (a timeout answers 504 at once while the child gets its grace period); the in-flight slot is
   * held until then, so MAX_INFLIGHT also bounds processes.
   */
  settled?: Promise<void>;
};

/** What /health reports about the function side. */
export type RunnerState = "ready" | "starting" | "restarting" | "stopped";

export interface Runner {
  readonly mode: ExecutionMode;
  /** Prepares the runner; HTTP mode starts its child. Rejects only on a fatal start-up error. */
  start(): Promise<void>;
  state(): RunnerState;
  invoke(invocation: Invocation): Promise<Outcome>;
  /** Forwards `signal` to every child, SIGKILLs after KILL_GRACE_MS. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface RunnerDeps {
  config: Config;
  children: Children;
  log: Logger;
  /** Environment every child starts from (env.ts). */
  baseEnv: Record<string, string>;
  /** Where a child's stderr goes (the pod log). */
  stderr: (chunk: Uint8Array) => void;
  /** Aborted on a forced shutdown (a second signal): running children are killed at once. */
  stopSignal: AbortSignal;
}
