/**
 * @module
 * Turns an HTTP request to `POST /invoke` into an invocation, or a 400 error. Pure apart from
 * reading the request body, so it is tested table-style without a server.
 */
import { type ErrorInfo, isStringMap, type Json, PodErrorCode } from "../../../src/contracts/pod.ts";
import { Header } from "../../../src/contracts/headers.ts";

/** Where an invocation's ids and callback come from (headers first, then these fallbacks). */
export interface RequestFallbacks {
  executionId: string | null;
  traceId: string | null;
  callbackUrl: string | null;
}

export interface Invocation {
  executionId: string;
  traceId: string | null;
  /** `X-Dispatch-Attempt` as sent, echoed on the callback so stale attempts can be ignored. */
  attempt: string | null;
  callbackBase: string | null;
  /** `X-Callback-Token` as sent: the control plane accepts this attempt's callback only with it (auth on). */
  callbackToken: string | null;
  input: Json;
  metadata: Record<string, string>;
}

export type ParseResult =
  | { ok: true; invocation: Invocation }
  /** `invocation` is absent only when there is no execution id (nothing to call back about). */
  | { ok: false; error: ErrorInfo; invocation?: Omit<Invocation, "input" | "metadata"> };

function header(headers: Headers, name: string): string | null {
  const value = headers.get(name)?.trim();
  return value ? value : null;
}

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}/;

/** `X-Trace-Id`, else the trace id inside a W3C `traceparent`, else the fallback. */
export function traceIdOf(headers: Headers, fallback: string | null): string | null {
  const explicit = header(headers, Header.traceId);
  if (explicit) return explicit;
  const match = TRACEPARENT.exec(header(headers, Header.traceparent) ?? "");
  return match?.[1] ?? fallback;
}

/** Body rules shared with the Python runtime: object (or empty) body, string-map metadata. */
export function parseBody(
  text: string,
): { ok: true; input: Json; metadata: Record<string, string> } | { ok: false; error: ErrorInfo } {
  // Only JSON whitespace counts as "no body", so both runtimes agree on what is empty.
  if (/^[ \t\r\n]*$/.test(text)) return { ok: true, input: null, metadata: {} };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, error: { code: PodErrorCode.invalidJson, message: "Request body must be valid JSON" } };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return {
      ok: false,
      error: { code: PodErrorCode.invalidRequest, message: 'Request body must be a JSON object {"input", "metadata"}' },
    };
  }
  const { input, metadata } = body as { input?: Json; metadata?: unknown };
  if (!isStringMap(metadata)) {
    return {
      ok: false,
      error: { code: PodErrorCode.invalidRequest, message: "Invocation metadata must be a string map" },
    };
  }
  return { ok: true, input: input === undefined ? null : input, metadata: metadata ?? {} };
}

export async function parseInvocation(request: Request, fallbacks: RequestFallbacks): Promise<ParseResult> {
  const executionId = header(request.headers, Header.executionId) ?? fallbacks.executionId;
  if (executionId === null) {
    return { ok: false, error: { code: PodErrorCode.executionIdRequired, message: "Execution ID required" } };
  }
  const ids = {
    executionId,
    traceId: traceIdOf(request.headers, fallbacks.traceId),
    attempt: header(request.headers, Header.dispatchAttempt),
    callbackBase: header(request.headers, Header.callbackUrl) ?? fallbacks.callbackUrl,
    callbackToken: header(request.headers, Header.callbackToken),
  };
  const body = parseBody(await request.text());
  if (!body.ok) return { ok: false, error: body.error, invocation: ids };
  return { ok: true, invocation: { ...ids, input: body.input, metadata: body.metadata } };
}
