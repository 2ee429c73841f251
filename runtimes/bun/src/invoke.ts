/**
 * @module
 * Runs one handler call under a deadline and classifies the result. The handler cannot be killed
 * (it shares the process), so at the deadline we stop waiting, abort `ctx.signal` and answer 504;
 * a well-behaved handler watches the signal and returns early.
 */
import { type ErrorInfo, PodErrorCode, PodStatus } from "../../../src/contracts/pod.ts";
import { type Context, type Handler, type InvocationInput, isFunctionError } from "./sdk.ts";

export type Outcome =
  /** `body` is the handler's value serialised once, reused for the response and the callback. */
  { ok: true; body: string } | { ok: false; status: number; error: ErrorInfo };

const TIMED_OUT = Symbol("timed out");

/** Maps anything a handler may throw to the pod error vocabulary. */
export function errorInfoOf(thrown: unknown): ErrorInfo {
  if (isFunctionError(thrown)) return { code: thrown.code, message: thrown.message };
  if (thrown instanceof Error) return { code: PodErrorCode.handlerError, message: thrown.message || thrown.name };
  return { code: PodErrorCode.handlerError, message: typeof thrown === "string" ? thrown : "Unknown error" };
}

function serialise(value: unknown): Outcome {
  try {
    // `undefined` (a handler that returns nothing) is sent as JSON null, never an empty body.
    return { ok: true, body: JSON.stringify(value) ?? "null" };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      status: PodStatus.handlerError,
      error: { code: PodErrorCode.invalidOutput, message: `Handler output is not JSON-serialisable: ${detail}` },
    };
  }
}

export async function runWithDeadline(
  handler: Handler,
  req: InvocationInput,
  ctx: Omit<Context, "signal">,
  timeoutMs: number,
): Promise<Outcome> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
  });
  try {
    // Wrapping in a promise chain turns a synchronous throw into a rejection we can classify.
    const work = Promise.resolve().then(() => handler(req, { ...ctx, signal: controller.signal }));
    const result = await Promise.race([work, deadline]);
    if (result === TIMED_OUT) {
      controller.abort(new DOMException("Handler execution timed out", "TimeoutError"));
      return {
        ok: false,
        status: PodStatus.handlerTimeout,
        error: { code: PodErrorCode.handlerTimeout, message: `Handler execution timed out after ${timeoutMs} ms` },
      };
    }
    return serialise(result);
  } catch (thrown) {
    return { ok: false, status: PodStatus.handlerError, error: errorInfoOf(thrown) };
  } finally {
    clearTimeout(timer);
  }
}
