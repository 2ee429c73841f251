/**
 * @module
 * Admission of one invocation request: the body must be a JSON object whose `metadata`, if any, is
 * a string map (SPEC §2, the JS SDK's INVALID_JSON / INVALID_REQUEST), and the identity is resolved:
 *
 * - execution id: `X-Execution-Id` (trimmed), else `EXECUTION_ID`, else a generated UUID. We do not
 *   reject a request without one (the SDKs answer 400): a bare `curl` must work against a pod, and
 *   the generated id is echoed back in `X-Execution-Id`.
 * - trace id: `X-Trace-Id`, else the trace-id of a valid W3C `traceparent`, else `TRACE_ID`.
 * - dispatch attempt: `X-Dispatch-Attempt` when a positive integer, else `DISPATCH_ATTEMPT` (1).
 */
import { Header } from "../../src/contracts/headers.ts";
import { isStringMap } from "../../src/contracts/pod.ts";
import { decodeUtf8 } from "./process/capture.ts";
import { type InvocationError, PodErrorCode, podError } from "./errors.ts";
import type { Invocation } from "./runners/runner.ts";

export interface IdentityDefaults {
  executionId?: string;
  traceId?: string;
  dispatchAttempt: number;
}

/** Header access as both `Headers` and a plain lookup satisfy it. */
export interface HeaderSource {
  get(name: string): string | null;
}

// W3C Trace Context §3.2: version-traceid-parentid-flags, lowercase hex, all-zero ids invalid.
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

export function readInvocation(
  body: Uint8Array<ArrayBuffer>,
  headers: HeaderSource,
  defaults: IdentityDefaults,
): Invocation | InvocationError {
  const problem = checkBody(body);
  if (problem) return problem;
  const traceparent = validTraceparent(headers.get(Header.traceparent));
  const inv: Invocation = {
    executionId: nonBlank(headers.get(Header.executionId)) ?? defaults.executionId ?? crypto.randomUUID(),
    traceId: nonBlank(headers.get(Header.traceId)) ?? traceparent?.traceId ?? defaults.traceId,
    dispatchAttempt: positiveInt(headers.get(Header.dispatchAttempt)) ?? defaults.dispatchAttempt,
    body,
  };
  if (traceparent) {
    inv.traceparent = traceparent.value;
    const tracestate = nonBlank(headers.get(Header.tracestate));
    if (tracestate) inv.tracestate = tracestate;
  }
  const idempotencyKey = nonBlank(headers.get(Header.idempotencyKey));
  if (idempotencyKey) inv.idempotencyKey = idempotencyKey;
  return inv;
}

export function isInvocationError(value: Invocation | InvocationError): value is InvocationError {
  return "code" in value;
}

function checkBody(body: Uint8Array): InvocationError | undefined {
  const text = decodeUtf8(body);
  let parsed: unknown;
  try {
    if (text === undefined) throw new Error("not UTF-8");
    parsed = JSON.parse(text);
  } catch {
    return podError(PodErrorCode.invalidJson, "Request body must be valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return podError(
      PodErrorCode.invalidRequest,
      'Request body must be a JSON object: {"input": ..., "metadata": {...}}',
    );
  }
  if (!isStringMap((parsed as { metadata?: unknown }).metadata)) {
    return podError(PodErrorCode.invalidRequest, "Invocation metadata must be a string map");
  }
  return undefined;
}

function nonBlank(value: string | null): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function positiveInt(value: string | null): number | undefined {
  const trimmed = value?.trim();
  if (!trimmed || !/^\d+$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return n >= 1 && Number.isSafeInteger(n) ? n : undefined;
}

function validTraceparent(value: string | null): { value: string; traceId: string } | undefined {
  const trimmed = value?.trim().toLowerCase();
  const match = trimmed ? TRACEPARENT.exec(trimmed) : null;
  if (!match || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!) || trimmed!.startsWith("ff")) return undefined;
  return { value: trimmed!, traceId: match[1]! };
}
