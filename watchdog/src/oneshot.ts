/**
 * @module
 * One-shot mode (a Kubernetes Job, SPEC §1.10): run the function once on `INVOCATION_PAYLOAD`
 * (the same `{"input","metadata"}` JSON a warm pod receives), report the result to the callback,
 * stop every child, and exit. Without `CALLBACK_URL` the result JSON is printed on stdout, which
 * makes the binary handy from a shell.
 *
 * A bad payload is not a start-up error: it is reported through the callback like any failure, so
 * the control plane learns why the execution failed instead of only seeing the Job fail.
 */
import type { Config } from "./config.ts";
import { deliverCallback, resultJson } from "./callback.ts";
import { PodErrorCode, podError } from "./errors.ts";
import type { Logger } from "./log.ts";
import { isInvocationError, readInvocation } from "./request.ts";
import { RunnerStartError } from "./runners/http.ts";
import type { Outcome, Runner } from "./runners/runner.ts";

export const ExitCode = {
  success: 0,
  /** The function failed (its error was delivered or printed). */
  failed: 1,
  /** Invalid configuration; nothing was run. */
  config: 2,
  /** The result could not be delivered to CALLBACK_URL after every try. */
  callbackFailed: 3,
} as const;

export interface OneShotDeps {
  config: Config;
  runner: Runner;
  log: Logger;
  writeStdout(text: string): Promise<unknown>;
}

export async function runOneShot(deps: OneShotDeps): Promise<number> {
  const outcome = await invokeOnce(deps);
  // The result goes out while the children are being stopped; the exit waits for both.
  const stopped = Promise.all([outcome.settled, deps.runner.stop()]);
  return report(deps, outcome, stopped);
}

/**
 * A one-shot run that cannot even start (WATCHDOG_CMD does not exist) is still reported to the
 * callback as FUNCTION_ERROR, as the reference did: otherwise the execution hangs until its timeout.
 * Returns the delivery's exit code when it failed, else `exitCode`.
 */
export async function reportUnrunnable(
  deps: Omit<OneShotDeps, "runner">,
  message: string,
  exitCode: number,
): Promise<number> {
  const code = await report(
    deps,
    { ok: false, error: podError(PodErrorCode.functionError, message) },
    Promise.resolve(),
  );
  return code === ExitCode.callbackFailed ? code : exitCode;
}

async function report(deps: Omit<OneShotDeps, "runner">, outcome: Outcome, stopped: Promise<unknown>): Promise<number> {
  const { config, log } = deps;
  const body = resultJson(outcome);
  const exitCode = outcome.ok ? ExitCode.success : ExitCode.failed;
  if (!outcome.ok) log.warn("invocation failed", { code: outcome.error.code, message: outcome.error.message });
  if (config.callbackUrl === undefined) {
    await deps.writeStdout(`${body}\n`);
    await stopped;
    return exitCode;
  }
  const delivery = await deliverCallback(
    {
      baseUrl: config.callbackUrl,
      executionId: config.executionId!,
      dispatchAttempt: config.dispatchAttempt,
      traceId: config.traceId,
      callbackToken: config.callbackToken,
    },
    body,
    { log },
  );
  await stopped;
  if (!delivery.delivered) {
    log.error("result not delivered", { tries: delivery.tries, status: delivery.status, error: delivery.error });
    return ExitCode.callbackFailed;
  }
  log.info("result delivered", { success: outcome.ok, tries: delivery.tries });
  return exitCode;
}

async function invokeOnce(deps: OneShotDeps): Promise<Outcome> {
  const { config, runner } = deps;
  if (config.invocationPayload === undefined) {
    return {
      ok: false,
      error: podError(PodErrorCode.invalidRequest, "INVOCATION_PAYLOAD is required in one-shot mode"),
    };
  }
  const inv = readInvocation(new TextEncoder().encode(asRequest(config.invocationPayload)), NO_HEADERS, config);
  if (isInvocationError(inv)) return { ok: false, error: inv };
  try {
    await runner.start();
  } catch (error) {
    if (error instanceof RunnerStartError) return { ok: false, error: podError(error.code, error.message) };
    throw error;
  }
  return runner.invoke(inv);
}

const NO_HEADERS = { get: () => null };

/**
 * The payload is the request `{"input", "metadata"}`; a JSON value that is not an object (the
 * reference's `INVOCATION_PAYLOAD=null`, a bare number or list) is taken as the input itself.
 */
function asRequest(payload: string): string {
  try {
    const value: unknown = JSON.parse(payload);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return `{"input":${payload.trim()}}`;
  } catch {
    // Not JSON: left as it is, so the callback reports INVALID_JSON.
  }
  return payload;
}
