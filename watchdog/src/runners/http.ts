/**
 * @module
 * HTTP mode: `WATCHDOG_CMD` is an HTTP server (an SDK runtime, any framework) that the watchdog
 * starts once (http-child.ts) and proxies `POST /invoke` to over keep-alive loopback HTTP.
 * A well-formed error from the child (`{"error":{"code","message"}}`, 4xx/5xx) passes through
 * unchanged; anything else that is not a 2xx JSON answer becomes one of our errors.
 */
import { Header } from "../../../src/contracts/headers.ts";
import { describe } from "../log.ts";
import { isPodErrorBody, PodErrorCode, podError } from "../errors.ts";
import { type Capped, decodeUtf8, readCapped, settleWithin } from "../process/index.ts";
import { createHttpChild } from "./http-child.ts";
import { outcomeFromOutput, outputTooLarge } from "./output.ts";
import type { Invocation, Outcome, Runner, RunnerDeps } from "./runner.ts";

/** The runner could not start its function: spawn failure or never healthy. */
export class RunnerStartError extends Error {
  override readonly name = "RunnerStartError";
  constructor(
    readonly code: typeof PodErrorCode.spawnError | typeof PodErrorCode.startupError,
    message: string,
  ) {
    super(message);
  }
}

export interface HttpRunnerOptions {
  supervise: boolean;
  onReady(): void;
  onRestart(): void;
}

// How long to wait, after a failed request, for the child's exit to be noticed, so the error can
// say "the runtime exited" instead of a bare connection error.
const CRASH_SETTLE_MS = 50;
const PREVIEW_CHARS = 200;

export function createHttpRunner(deps: RunnerDeps, options: HttpRunnerOptions): Runner {
  const child = createHttpChild(deps, options);
  return {
    mode: "HTTP",
    async start() {
      let ready: boolean;
      try {
        ready = await child.start();
      } catch (error) {
        throw new RunnerStartError(
          PodErrorCode.spawnError,
          `Cannot start ${JSON.stringify(deps.config.command[0])}: ${describe(error)}`,
        );
      }
      if (!ready && !options.supervise) {
        throw new RunnerStartError(
          PodErrorCode.startupError,
          `Function runtime not ready after ${deps.config.readyTimeoutMs} ms (READY_TIMEOUT_MS) or exited during start-up`,
        );
      }
    },
    state: () => child.state(),
    invoke: (inv) => proxy(deps, child, inv),
    stop: (signal) => child.stop(signal),
  };
}

async function proxy(
  deps: RunnerDeps,
  httpChild: ReturnType<typeof createHttpChild>,
  inv: Invocation,
): Promise<Outcome> {
  const target = httpChild.ready();
  if (!target) {
    return { ok: false, error: podError(PodErrorCode.unavailable, `Function runtime is ${httpChild.state()}`) };
  }
  const { config, stopSignal } = deps;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, config.timeoutMs);
  const onStop = () => controller.abort();
  stopSignal.addEventListener("abort", onStop, { once: true });
  try {
    const res = await fetch(target.invokeUrl, {
      method: "POST",
      body: inv.body,
      headers: proxyHeaders(inv),
      signal: controller.signal,
      redirect: "manual",
    });
    const body = await readBody(res, config.maxOutputBytes);
    if (body.overflow) return outputTooLarge("response body", config.maxOutputBytes);
    if (res.status >= 200 && res.status < 300) return outcomeFromOutput(body.bytes, "response body");
    return childFailure(res.status, body.bytes);
  } catch (error) {
    if (timedOut) {
      httpChild.checkHealth();
      return {
        ok: false,
        error: podError(PodErrorCode.handlerTimeout, `Function exceeded TIMEOUT_MS=${config.timeoutMs}`),
      };
    }
    if (stopSignal.aborted) {
      return {
        ok: false,
        error: podError(PodErrorCode.unavailable, "Invocation aborted: the watchdog is shutting down"),
      };
    }
    const crashed = await settleWithin(target.child.exited, CRASH_SETTLE_MS);
    const message = crashed
      ? "Function runtime exited during the invocation"
      : `Function runtime connection failed: ${describe(error)}`;
    return { ok: false, error: podError(PodErrorCode.functionError, message) };
  } finally {
    clearTimeout(timer);
    stopSignal.removeEventListener("abort", onStop);
  }
}

function proxyHeaders(inv: Invocation): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    // The body is size-checked as received; a compressed answer would dodge MAX_OUTPUT_BYTES.
    "Accept-Encoding": "identity",
    [Header.executionId]: inv.executionId,
    [Header.dispatchAttempt]: String(inv.dispatchAttempt),
  };
  if (inv.traceId) headers[Header.traceId] = inv.traceId;
  if (inv.traceparent) headers[Header.traceparent] = inv.traceparent;
  if (inv.tracestate) headers[Header.tracestate] = inv.tracestate;
  if (inv.idempotencyKey) headers[Header.idempotencyKey] = inv.idempotencyKey;
  return headers;
}

/** Reads a response body within the byte cap; a declared length over the cap is refused unread. */
async function readBody(res: Response, limit: number): Promise<Capped> {
  const declared = res.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) {
    await res.body?.cancel().catch(() => {});
    return { overflow: true };
  }
  if (declared !== null || !res.body) return { overflow: false, bytes: await res.bytes() };
  return readCapped(res.body, limit);
}

function childFailure(status: number, bytes: Uint8Array): Outcome {
  const text = decodeUtf8(bytes) ?? "";
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (status >= 400 && isPodErrorBody(parsed)) {
    return { ok: false, error: { status, code: parsed.error.code, message: parsed.error.message } };
  }
  const preview = text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
  return {
    ok: false,
    error: podError(
      PodErrorCode.functionError,
      `Function runtime answered HTTP ${status}${preview ? `: ${preview}` : ""}`,
    ),
  };
}
