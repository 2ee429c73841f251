/**
 * @module
 * API middleware: records `http_server_requests_seconds` by route pattern and writes one access
 * log line per request (info). Installed on the API app only — probes and `/metrics` live on the
 * management app and are never access-logged (SPEC §1.14).
 */
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { Header } from "../contracts/headers";
import { CUSTOM_VERBS } from "../contracts/invocation";
import type { HttpServerMetrics } from "./http-metrics";
import { fastLineWriter, type Logger } from "./logger";
import { traceIdOf } from "./trace-context";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

const INTERNAL_VERB = new RegExp(`/~(${CUSTOM_VERBS.join("|")})$`);

/** Hono's route path to the published pattern: `/v1/functions/:name/~invoke` → `/v1/functions/{name}:invoke`. */
export const publishedPattern = (routePath: string) =>
  routePath.replace(/\/:([A-Za-z0-9_]+)/g, "/{$1}").replace(INTERNAL_VERB, ":$1");

/** The request path as sent (c.req.path is the router's, with custom verbs rewritten). */
function rawPath(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const query = url.indexOf("?", start);
  return url.slice(start, query < 0 ? undefined : query);
}

export interface HttpTelemetryDeps {
  metrics: HttpServerMetrics;
  logger: Logger;
}

export interface HttpTelemetry {
  /** Hono middleware for the API app (register before every route). */
  middleware: MiddlewareHandler;
  /**
   * For requests answered outside Hono (the invoke fast path): `uri` is the published route
   * pattern, `startedAt` a `performance.now()` reading; request/response feed the access log.
   */
  served(uri: string, method: string, status: number, startedAt: number, request?: Request, response?: Response): void;
}

export function createHttpTelemetry({ metrics, logger }: HttpTelemetryDeps): HttpTelemetry {
  // One line per request: written without pino's formatting (see logger.ts for the numbers).
  const accessLog = fastLineWriter(logger);
  const patterns = new Map<string, string>();

  /** The route that matched (not a middleware), as a published pattern; bounded cardinality. */
  const uriOf = (c: Context, status: number): string => {
    let path: string | undefined;
    for (const route of matchedRoutes(c)) if (route.method !== "ALL") path = route.path;
    if (path === undefined) return status === 404 ? "NOT_FOUND" : "UNMATCHED";
    let pattern = patterns.get(path);
    if (pattern === undefined) {
      pattern = publishedPattern(path);
      patterns.set(path, pattern);
    }
    return pattern;
  };

  const record = (
    method: string,
    uri: string,
    status: number,
    elapsedMs: number,
    request?: Request,
    response?: Response,
  ) => {
    const m = METHODS.has(method) ? method : "OTHER";
    metrics.observe(m, uri, status, elapsedMs / 1000);
    accessLog?.("request", {
      method: m,
      path: request ? rawPath(request.url) : undefined,
      uri,
      status,
      durationMs: Math.round(elapsedMs * 1000) / 1000,
      executionId: response?.headers.get(Header.executionId) ?? undefined,
      traceId: request
        ? traceIdOf(request.headers.get(Header.traceId), request.headers.get(Header.traceparent))
        : undefined,
    });
  };

  return {
    middleware: async function httpTelemetryMiddleware(c, next) {
      const start = performance.now();
      await next();
      const status = c.res.status;
      record(c.req.method, uriOf(c, status), status, performance.now() - start, c.req.raw, c.res);
    },
    served(uri, method, status, startedAt, request, response) {
      record(method, uri, status, performance.now() - startedAt, request, response);
    },
  };
}
