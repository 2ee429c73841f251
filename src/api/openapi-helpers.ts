/**
 * @module
 * Small builders that keep route declarations short: JSON content blocks and the documented error
 * responses (every one uses the ErrorEnvelope, 429s also document their hint headers).
 */
import { z } from "zod";
import { QUEUE_REJECT_REASONS } from "../contracts/headers";
import { type ErrorStatus, STATUS_BY_CODE } from "./errors";
import { ErrorEnvelope } from "./schemas";

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

const REASONS: Record<number, string> = {
  400: "Invalid request (VALIDATION_ERROR lists every offending field; BAD_REQUEST for malformed JSON)",
  401: "No valid credential (UNAUTHENTICATED; see WWW-Authenticate)",
  403: "Not allowed (FORBIDDEN: the credential lacks a scope, named in details, or a command the process backend may not run; QUOTA_EXCEEDED: too many functions)",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  413: "Request body over the configured limit",
  415: "Request body is not JSON",
  422: "Unprocessable",
  429: "Rejected by a rate limit or a queue; see Retry-After and X-Queue-Reject-Reason",
  500: "Unexpected error",
  501: "Not implemented",
  502: "The deployment backend failed",
  503: "Unavailable (no deployment backend, or shutting down)",
};

const rejectionHeaders = z.object({
  "Retry-After": z.string().meta({ description: "Seconds to wait before retrying" }),
  "X-Queue-Reject-Reason": z.enum(QUEUE_REJECT_REASONS),
});

/** Documented error responses for the given statuses. */
export function errors(...statuses: ErrorStatus[]) {
  const out: Record<number, { description: string; content: object; headers?: typeof rejectionHeaders }> = {};
  for (const status of statuses) {
    out[status] = {
      description: REASONS[status] ?? "Error",
      content: { "application/json": { schema: ErrorEnvelope } },
      ...(status === 429 ? { headers: rejectionHeaders } : {}),
    };
  }
  return out;
}

export const ALL_STATUSES = [...new Set(Object.values(STATUS_BY_CODE))];
