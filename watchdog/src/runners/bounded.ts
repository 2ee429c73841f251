/**
 * @module
 * The parts STDIO and FILE share: start a child, bound it by `TIMEOUT_MS` and by a forced shutdown,
 * and turn a bad exit into an error with the end of its stderr.
 */
import { describe } from "../log.ts";
import { PodErrorCode, podError } from "../errors.ts";
import type { Child, ExitStatus, SpawnOptions } from "../process/children.ts";
import type { Outcome, RunnerDeps } from "./runner.ts";

/** How much of a failing child's stderr goes into the error message. */
export const STDERR_TAIL_BYTES = 2048;

export type Raced<T> = { kind: "done"; value: T } | { kind: "timeout" } | { kind: "aborted" };

/** Races `work` against a deadline and the stop signal, cleaning up both listeners afterwards. */
export async function raceDeadline<T>(work: Promise<T>, ms: number, stop: AbortSignal): Promise<Raced<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort = () => {};
  const limit = new Promise<Raced<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: "timeout" }), ms);
    onAbort = () => resolve({ kind: "aborted" });
    if (stop.aborted) onAbort();
    else stop.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([work.then((value): Raced<T> => ({ kind: "done", value })), limit]);
  } finally {
    clearTimeout(timer);
    stop.removeEventListener("abort", onAbort);
  }
}

/** Spawns the configured command, or returns the SPAWN_ERROR outcome. */
export function spawnOrFail(deps: RunnerDeps, options: SpawnOptions): Child | Outcome {
  const argv = deps.config.command;
  try {
    return deps.children.spawn(argv, options);
  } catch (error) {
    return {
      ok: false,
      error: podError(PodErrorCode.spawnError, `Cannot start ${JSON.stringify(argv[0])}: ${describe(error)}`),
    };
  }
}

/** The outcome of a run that did not finish: the child gets SIGTERM, then SIGKILL after the grace. */
export function unfinished(deps: RunnerDeps, child: Child, kind: "timeout" | "aborted"): Outcome {
  if (kind === "timeout") {
    return {
      ok: false,
      error: podError(PodErrorCode.handlerTimeout, `Function exceeded TIMEOUT_MS=${deps.config.timeoutMs}`),
      settled: deps.children.terminate(child, deps.config.killGraceMs),
    };
  }
  return {
    ok: false,
    error: podError(PodErrorCode.unavailable, "Invocation aborted: the watchdog is shutting down"),
    settled: deps.children.terminate(child, 0, "SIGKILL"),
  };
}

/** A non-zero exit or a death by signal (a crash) as FUNCTION_ERROR, with the end of stderr. */
export function exitFailure(exit: ExitStatus, stderrTail: string): Outcome {
  const what = exit.signal ? `Process was killed by ${exit.signal}` : `Process exited with code ${exit.code}`;
  const message = stderrTail ? `${what}: ${stderrTail}` : what;
  return { ok: false, error: podError(PodErrorCode.functionError, message) };
}
