/**
 * @module
 * The invoke hot path without the framework: `POST /v1/functions/{name}:invoke|:enqueue` with a
 * well-formed JSON body goes straight to the engine. Anything unusual — another content type, a
 * header out of range, a body that fails validation, any error — is handed to the Hono app, which
 * owns validation messages and the error envelope, so both paths answer identically. Measured by
 * `just bench`; the OpenAPI routes stay the documentation and the fallback.
 */
import { Header } from "../contracts/headers";
import type { InvocationRequest } from "../contracts/pod";
import type { Invoker, InvokeOptions } from "../execution/invoker";
import { unexpectedErrorResponse } from "./errors";

const PREFIX = "/v1/functions/";
const MAX_TIMEOUT_MS = 900_000;
const JSON_HEADERS = { "Content-Type": "application/json" };

// `server` is Bun's Server when served by Bun.serve (Hono passes it through as `env`).
export type FetchHandler = (request: Request, server?: object) => Response | Promise<Response>;

export interface FastInvokeDeps {
  invoker: Invoker;
  maxBodyBytes: number;
  /** The full app: answers everything the fast path does not. */
  fallback: FetchHandler;
  /**
   * Called once per request served here, for request metrics and the access log (route is the
   * OpenAPI path; request and response let the log name the path, execution id and trace id).
   */
  onServed?: (route: string, method: string, status: number, startedAt: number, request: Request, response: Response) => void;
  /** Logs a 500's cause and returns the request id to answer with (X-Request-Id). */
  onUnexpectedError?: (error: unknown, request: Request) => string;
}

type Verb = "invoke" | "enqueue";

export function createFastInvokeHandler(deps: FastInvokeDeps): FetchHandler {
  const { invoker, fallback } = deps;
  return async function fastInvoke(request, server) {
    if (request.method !== "POST") return fallback(request, server);
    const target = parseTarget(request.url);
    if (!target || !isPlainJson(request) || tooLarge(request, deps.maxBodyBytes)) return fallback(request, server);
    const startedAt = performance.now();
    const text = await request.text();
    const body = parseInvocation(text);
    const options = body && readOptions(request, target.verb);
    if (!body || !options) return fallback(rebuild(request, text), server);
    const response = await answer(invoker, target, body, options, request, deps.onUnexpectedError);
    deps.onServed?.(`/v1/functions/{name}:${target.verb}`, "POST", response.status, startedAt, request, response);
    return response;
  };
}

async function answer(
  invoker: Invoker,
  target: { name: string; verb: Verb },
  body: InvocationRequest,
  options: InvokeOptions,
  request: Request,
  report: FastInvokeDeps["onUnexpectedError"],
): Promise<Response> {
  try {
    if (target.verb === "enqueue") {
      return new Response(JSON.stringify(invoker.enqueue(target.name, body, options)), { status: 202, headers: JSON_HEADERS });
    }
    const outcome = await invoker.invoke(target.name, body, options);
    // Literal header names (Header.executionId is "X-Execution-Id"): a fixed-shape object per call.
    return new Response(JSON.stringify(outcome), { status: 200, headers: { "Content-Type": "application/json", "X-Execution-Id": outcome.executionId } });
  } catch (error) {
    return unexpectedErrorResponse(error, request, report);
  }
}

/** `http://host/v1/functions/{name}:invoke` → name and verb; undefined for anything else. */
function parseTarget(url: string): { name: string; verb: Verb } | undefined {
  const start = url.indexOf(PREFIX, url.indexOf("//") + 2);
  if (start < 0 || url.includes("?", start)) return undefined;
  const rest = url.slice(start + PREFIX.length);
  const colon = rest.lastIndexOf(":");
  if (colon <= 0 || rest.includes("/") || rest.includes("%")) return undefined;
  const verb = rest.slice(colon + 1);
  if (verb !== "invoke" && verb !== "enqueue") return undefined;
  return { name: rest.slice(0, colon), verb };
}

function isPlainJson(request: Request): boolean {
  const type = request.headers.get("content-type");
  return type === "application/json" || type === "application/json; charset=utf-8";
}

function tooLarge(request: Request, maxBytes: number): boolean {
  const length = request.headers.get("content-length");
  return length === null || Number(length) > maxBytes;
}

/** The body if it is exactly what the schema accepts without coercion; undefined otherwise. */
function parseInvocation(text: string): InvocationRequest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const { input, metadata } = value as { input?: unknown; metadata?: unknown };
  if (input === undefined || input === null || !isStringRecord(metadata)) return undefined;
  return { input: input as InvocationRequest["input"], metadata: metadata ?? undefined };
}

/** `isStringMap` for a value fresh from JSON.parse (own, enumerable keys only), without the array `Object.values` allocates. */
function isStringRecord(value: unknown): value is Record<string, string> | null | undefined {
  if (value === null || value === undefined) return true;
  if (typeof value !== "object" || Array.isArray(value)) return false;
  for (const key in value) if (typeof (value as Record<string, unknown>)[key] !== "string") return false;
  return true;
}

function readOptions(request: Request, verb: Verb): InvokeOptions | undefined {
  const headers = request.headers;
  const options: InvokeOptions = {
    idempotencyKey: nonBlank(headers.get(Header.idempotencyKey)),
    traceId: nonBlank(headers.get(Header.traceId)),
    traceparent: nonBlank(headers.get(Header.traceparent)),
    tracestate: nonBlank(headers.get(Header.tracestate)),
  };
  const timeout = headers.get(Header.timeoutMs);
  if (verb === "invoke" && timeout !== null) {
    const ms = Number(timeout);
    if (!/^\s*\d+\s*$/.test(timeout) || ms < 1 || ms > MAX_TIMEOUT_MS) return undefined;
    options.timeoutMs = ms;
  }
  return options;
}

const nonBlank = (value: string | null) => (value !== null && value.trim() !== "" ? value : undefined);

/** A copy of a request whose body was already read, for the fallback path. */
function rebuild(request: Request, body: string): Request {
  return new Request(request.url, { method: request.method, headers: request.headers, body });
}
