/**
 * @module
 * The closed set of error codes the API can answer with (SPEC §1.1) and the one error type that
 * carries them. The HTTP status of each code lives in `src/api/errors.ts`; the domain only says
 * what went wrong.
 */
import type { QueueRejectReason } from "../contracts/headers";

export const ERROR_CODES = [
  "VALIDATION_ERROR",
  "BAD_REQUEST",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "AUTH_UNAVAILABLE",
  "QUOTA_EXCEEDED",
  "NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "UNPROCESSABLE",
  "RATE_LIMITED",
  "QUEUE_FULL",
  "QUEUE_TIMEOUT",
  "INTERNAL_ERROR",
  "NOT_IMPLEMENTED",
  "BACKEND_ERROR",
  "BACKEND_FORBIDDEN",
  "BACKEND_UNAVAILABLE",
  "SHUTTING_DOWN",
  "STORE_UNAVAILABLE",
  "CIRCUIT_OPEN",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface NanofaasErrorOptions {
  details?: string[];
  /** Seconds for `Retry-After` (429/503). */
  retryAfterSeconds?: number;
  /** `X-Queue-Reject-Reason` for 429s. */
  rejectReason?: QueueRejectReason;
  cause?: unknown;
}

export class NanofaasError extends Error {
  readonly details?: string[];
  readonly retryAfterSeconds?: number;
  readonly rejectReason?: QueueRejectReason;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: NanofaasErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "NanofaasError";
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.rejectReason = options.rejectReason;
  }
}

export const notFound = (what: string) => new NanofaasError("NOT_FOUND", `${what} not found`);
export const validation = (message: string, details?: string[]) =>
  new NanofaasError("VALIDATION_ERROR", message, { details });
