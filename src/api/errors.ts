/**
 * @module
 * One error vocabulary at the edge (SPEC §1.1): every code has exactly one HTTP status, and every
 * non-2xx response is `{"error", "message", "details"?}` JSON. Nothing here inspects message text.
 */
import { Header } from "../contracts/headers";
import { type ErrorCode, NanofaasError } from "../domain/errors";

export const STATUS_BY_CODE = {
  VALIDATION_ERROR: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  AUTH_UNAVAILABLE: 503,
  QUOTA_EXCEEDED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  QUEUE_FULL: 429,
  QUEUE_TIMEOUT: 429,
  INTERNAL_ERROR: 500,
  NOT_IMPLEMENTED: 501,
  BACKEND_ERROR: 502,
  BACKEND_FORBIDDEN: 502,
  BACKEND_UNAVAILABLE: 503,
  SHUTTING_DOWN: 503,
  STORE_UNAVAILABLE: 503,
  CIRCUIT_OPEN: 503,
} as const satisfies Record<ErrorCode, number>;

export type ErrorStatus = (typeof STATUS_BY_CODE)[ErrorCode];

export interface ErrorEnvelope {
  error: ErrorCode;
  message: string;
  details?: string[];
}

const JSON_HEADERS = { "Content-Type": "application/json" } as const;

/** Renders a domain error as its HTTP response, including 429/503 hint headers. */
export function errorResponse(error: NanofaasError, extraHeaders?: Record<string, string>): Response {
  const body: ErrorEnvelope = { error: error.code, message: error.message };
  if (error.details && error.details.length > 0) body.details = error.details;
  const headers: Record<string, string> = { ...JSON_HEADERS, ...extraHeaders };
  if (error.retryAfterSeconds !== undefined) headers[Header.retryAfter] = String(error.retryAfterSeconds);
  if (error.rejectReason) headers[Header.queueRejectReason] = error.rejectReason;
  return new Response(JSON.stringify(body), { status: STATUS_BY_CODE[error.code], headers });
}

/** Anything thrown that is not a NanofaasError is a bug: answer 500 without leaking a stack trace. */
export function toNanofaasError(error: unknown): NanofaasError {
  if (error instanceof NanofaasError) return error;
  return new NanofaasError("INTERNAL_ERROR", "An unexpected error occurred", { cause: error });
}

/**
 * The response for anything thrown by a handler: a 500 (INTERNAL_ERROR) is reported — logged with
 * its cause — and answered with the request id in `X-Request-Id` (issue 13.10).
 */
export function unexpectedErrorResponse(
  error: unknown,
  request: Request,
  report?: (error: unknown, request: Request) => string,
): Response {
  const mapped = toNanofaasError(error);
  if (mapped.code !== "INTERNAL_ERROR" || !report) return errorResponse(mapped);
  return errorResponse(mapped, { "X-Request-Id": report(error, request) });
}
