/**
 * @module
 * The invoke hot path without the framework: `POST /v1/functions/{name}:invoke|:enqueue` with a
 * well-formed JSON body goes straight to the engine. Requests are read through invoke-input.ts, the
 * same module the OpenAPI route uses. Anything unusual — another content type, a header out of
 * range, a body that fails validation, any error — is handed to the Hono app, which owns the error
 * envelope, so both paths answer identically. Measured by `just bench`; the OpenAPI routes stay
 * the documentation and the fallback.
 */
import type { InvokeVerb } from "../contracts/invocation";
import type { Payload } from "../domain/payload";
import type { InvocationRequest } from "../contracts/pod";
import type { Invoker, InvokeOptions } from "../execution/invoker";
import { qualify } from "../tenants/tenant-key";
import { DEFAULT_TENANT } from "../tenants/tenant-spec";
import { TENANT_HEADER } from "./caller-tenant";
import { unexpectedErrorResponse } from "./errors";
import { parseInvokeBody, parseInvokeTarget, readInvokeOptions } from "./invoke-input";
import { jsonResponse, outcomeJson } from "./invoke-output";
import { waitBeyondIdleTimeout } from "./listener";

// `server` is Bun's Server when served by Bun.serve (Hono passes it through as `env`).
export type FetchHandler = (request: Request, server?: object) => Response | Promise<Response>;

/**
 * The app's edge hooks (the middleware createApp installs for every invocation) and how the fast
 * path does the same work without them. fast-invoke.test.ts fails when the app gains a hook that
 * is not listed here: a new hook must be run here too (or the fast path must step aside).
 */
export const FAST_PATH_EDGE_HOOKS = {
  /** Request metrics and the access log: `onServed` below. */
  httpTelemetryMiddleware: "onServed",
  /** Media type, size limit, JSON depth and syntax: isPlainJson, tooLarge and parseInvokeBody. */
  jsonBodyGate: "isPlainJson + tooLarge + parseInvokeBody",
  /**
   * Credential, scope and tenant (api/auth-gate.ts): `checkInvoke`, the same AuthGuard check (absent
   * in mode none); a request with X-Nanofaas-Tenant goes to the app.
   */
  authenticate: "checkInvoke",
} as const;

export interface FastInvokeDeps {
  invoker: Invoker;
  maxBodyBytes: number;
  maxJsonDepth: number;
  /** The full app: answers everything the fast path does not. */
  fallback: FetchHandler;
  /**
   * The auth middleware's check for an invocation (api/auth-gate.ts); a Response refuses it, a
   * string is the caller's tenant (the function name is resolved in it). Absent with
   * NANOFAAS_AUTH=none (everything is in tenant `default`), so that mode costs nothing here.
   */
  checkInvoke?: (request: Request, name: string, server: unknown) => Response | string | Promise<Response | string>;
  /**
   * Called once per request served here, for request metrics and the access log (route is the
   * OpenAPI path; request and response let the log name the path, execution id and trace id).
   */
  onServed?: (
    route: string,
    method: string,
    status: number,
    startedAt: number,
    request: Request,
    response: Response,
  ) => void;
  /** Logs a 500's cause and returns the request id to answer with (X-Request-Id). */
  onUnexpectedError?: (error: unknown, request: Request) => string;
}

export function createFastInvokeHandler(deps: FastInvokeDeps): FetchHandler {
  const { invoker, fallback } = deps;
  return async function fastInvoke(request, server) {
    // An HTTP/1.0 request without Host reaches us with a bare path as its URL; Hono would take the
    // first path segment for the host. Give it an origin first.
    if (request.url.charCodeAt(0) === 0x2f) request = withOrigin(request);
    if (request.method !== "POST") return fallback(request, server);
    const target = parseInvokeTarget(request.url);
    if (!target || !isPlainJson(request) || tooLarge(request, deps.maxBodyBytes)) return fallback(request, server);
    // Acting in another tenant is checked by the app's auth gate (admin only, the tenant must exist).
    if (request.headers.has(TENANT_HEADER)) return fallback(request, server);
    const startedAt = performance.now();
    if (deps.checkInvoke) {
      let verdict = deps.checkInvoke(request, target.name, server);
      if (verdict instanceof Promise) verdict = await verdict;
      if (typeof verdict !== "string") return served(deps, target.verb, startedAt, request, verdict);
      if (verdict !== DEFAULT_TENANT) target.name = qualify(verdict, target.name);
    }
    const text = await request.text();
    if (target.verb === "invoke") waitBeyondIdleTimeout(server, request);
    const input = readInput(request, text, target.verb, deps.maxJsonDepth);
    if (!input) return fallback(rebuild(request, text), server);
    const response = await answer(invoker, target, input, request, deps.onUnexpectedError);
    return served(deps, target.verb, startedAt, request, response);
  };
}

function served(deps: FastInvokeDeps, verb: InvokeVerb, startedAt: number, request: Request, response: Response) {
  deps.onServed?.(`/v1/functions/{name}:${verb}`, "POST", response.status, startedAt, request, response);
  return response;
}

/** Body and options, or undefined when the app must answer (with its validation message). */
function readInput(request: Request, text: string, verb: InvokeVerb, maxDepth: number) {
  try {
    return { body: parseInvokeBody(text, maxDepth), options: readInvokeOptions(request.headers, verb) };
  } catch {
    return undefined;
  }
}

async function answer(
  invoker: Invoker,
  target: { name: string; verb: InvokeVerb },
  { body, options }: { body: InvocationRequest<Payload>; options: InvokeOptions },
  request: Request,
  report: FastInvokeDeps["onUnexpectedError"],
): Promise<Response> {
  try {
    if (target.verb === "enqueue") {
      return jsonResponse(outcomeJson(await invoker.enqueue(target.name, body, options)), 202);
    }
    const outcome = await invoker.invoke(target.name, body, options);
    // Literal header names (Header.executionId is "X-Execution-Id"): a fixed-shape object per call.
    return new Response(outcomeJson(outcome), {
      status: 200,
      headers: { "Content-Type": "application/json", "X-Execution-Id": outcome.executionId },
    });
  } catch (error) {
    return unexpectedErrorResponse(error, request, report);
  }
}

function isPlainJson(request: Request): boolean {
  const type = request.headers.get("content-type");
  return type === "application/json" || type === "application/json; charset=utf-8";
}

function tooLarge(request: Request, maxBytes: number): boolean {
  const length = request.headers.get("content-length");
  return length === null || Number(length) > maxBytes;
}

/** A copy of a request whose body was already read, for the fallback path. */
function rebuild(request: Request, body: string): Request {
  return new Request(request.url, { method: request.method, headers: request.headers, body });
}

/** The same request with `http://localhost` in front of its path-only URL (body and signal kept). */
function withOrigin(request: Request): Request {
  return new Request(`http://localhost${request.url}`, request);
}
