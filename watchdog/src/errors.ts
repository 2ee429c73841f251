/**
 * @module
 * The watchdog's one error vocabulary (SPEC §2): every failure is a code from `PodErrorCode`, its
 * HTTP status comes from one exhaustive table, and the body is always `{"error":{"code","message"}}`.
 * Errors are values, never classified by message text (the reference grepped for "timeout").
 */
import { PodErrorCode, type PodErrorBody, PodStatus } from "../../src/contracts/pod.ts";

export type PodErrorCodeValue = (typeof PodErrorCode)[keyof typeof PodErrorCode];

/** Exhaustive: adding a code to the contract without a status here fails the type check. */
const STATUS_BY_CODE: Record<PodErrorCodeValue, number> = {
  BAD_REQUEST: PodStatus.badRequest,
  INVALID_JSON: PodStatus.badRequest,
  INVALID_REQUEST: PodStatus.badRequest,
  EXECUTION_ID_REQUIRED: PodStatus.badRequest,
  HANDLER_ERROR: PodStatus.handlerError,
  FUNCTION_ERROR: PodStatus.handlerError,
  INVALID_OUTPUT: PodStatus.handlerError,
  OUTPUT_TOO_LARGE: PodStatus.handlerError,
  SPAWN_ERROR: PodStatus.handlerError,
  STARTUP_ERROR: PodStatus.handlerError,
  HANDLER_TIMEOUT: PodStatus.handlerTimeout,
  SATURATED: PodStatus.saturated,
  UNAVAILABLE: PodStatus.unavailable,
  NOT_FOUND: 404,
};

/**
 * A failed invocation. `code` is usually one of ours; an HTTP child that answers with a well-formed
 * error body of its own keeps its code and status (the child knows its failure best).
 */
export interface InvocationError {
  status: number;
  code: string;
  message: string;
}

export function podError(code: PodErrorCodeValue, message: string): InvocationError {
  return { status: STATUS_BY_CODE[code], code, message };
}

export function statusFor(code: PodErrorCodeValue): number {
  return STATUS_BY_CODE[code];
}

/** `{"error":{"code","message"}}` as text. */
export function errorBodyText(error: InvocationError): string {
  const body: PodErrorBody = { error: { code: error.code, message: error.message } };
  return JSON.stringify(body);
}

/** True when `value` has the pod error shape, so a child's own error can be passed through. */
export function isPodErrorBody(value: unknown): value is PodErrorBody {
  if (typeof value !== "object" || value === null) return false;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === "string" && code !== "" && typeof message === "string";
}

export { PodErrorCode };
