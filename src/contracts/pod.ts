/**
 * @module
 * The function-pod contract (SPEC §2): what the control plane sends to `POST /invoke`, what a pod
 * answers, and what a runtime posts to the callback endpoint. Plain types and tiny guards only —
 * the watchdog imports this file and must stay light (no zod, no hono).
 */

/** JSON value as it travels on the wire. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Body of `POST /invoke` and of `INVOCATION_PAYLOAD` in one-shot mode. Inside the control plane the
 * input is a `Payload` (the client's JSON text, kept byte-exact); a pod sees parsed JSON.
 */
export interface InvocationRequest<Input = Json> {
  input: Input;
  metadata?: Record<string, string> | null;
}

/** `{"code","message"}` as used in execution errors and pod error bodies. */
export interface ErrorInfo {
  code: string;
  message: string;
}

/** Pod error body: `{"error": {"code", "message"}}` (SPEC §2). */
export interface PodErrorBody {
  error: ErrorInfo;
}

/** Body of `POST {CALLBACK_URL}/{executionId}:complete`. */
export interface InvocationResult<Output = Json> {
  success: boolean;
  output?: Output;
  error?: ErrorInfo | null;
}

/** Error codes a pod (runtime or watchdog) may return in its error body. */
export const PodErrorCode = {
  badRequest: "BAD_REQUEST",
  invalidJson: "INVALID_JSON",
  invalidRequest: "INVALID_REQUEST",
  executionIdRequired: "EXECUTION_ID_REQUIRED",
  handlerError: "HANDLER_ERROR",
  handlerTimeout: "HANDLER_TIMEOUT",
  saturated: "SATURATED",
  spawnError: "SPAWN_ERROR",
  startupError: "STARTUP_ERROR",
  functionError: "FUNCTION_ERROR",
  invalidOutput: "INVALID_OUTPUT",
  outputTooLarge: "OUTPUT_TOO_LARGE",
  notFound: "NOT_FOUND",
  unavailable: "UNAVAILABLE",
} as const;

/** HTTP status a pod uses for each kind of failure (SPEC §2). */
export const PodStatus = {
  badRequest: 400,
  handlerError: 500,
  handlerTimeout: 504,
  saturated: 429,
  unavailable: 503,
} as const;

/** Default port of every function pod. */
export const DEFAULT_POD_PORT = 8080;

/** Default cap on a pod's output (SPEC §2: MAX_OUTPUT_BYTES). */
export const DEFAULT_MAX_OUTPUT_BYTES = 6 * 1024 * 1024;

/** Builds the callback URL for one execution: `{base}/{executionId}:complete`. */
export function callbackUrlFor(base: string, executionId: string): string {
  if (base.endsWith(":complete")) return base;
  return `${base.replace(/\/+$/, "")}/${encodeURIComponent(executionId)}:complete`;
}

/** True when `value` is a `{string: string}` map (or null/undefined, which mean "none"). */
export function isStringMap(value: unknown): value is Record<string, string> | null | undefined {
  if (value === null || value === undefined) return true;
  if (typeof value !== "object" || Array.isArray(value)) return false;
  return Object.values(value).every((v) => typeof v === "string");
}

/**
 * Callback retry schedule (SPEC §2): at most 3 tries; before try n+1 wait CALLBACK_RETRY_DELAYS_MS[n-1].
 * The reference lists a third delay (2000 ms) that is never used because no sleep follows the last try.
 */
export const CALLBACK_MAX_TRIES = 3;
export const CALLBACK_RETRY_DELAYS_MS = [100, 500] as const;

/** Whether a callback response status is worth another try (network errors are, too). */
export function isRetryableCallbackStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}
