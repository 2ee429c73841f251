/**
 * @module
 * Gatekeeper for JSON request bodies, run before validation: over the limit → 413, not JSON → 415,
 * empty, nested deeper than NANOFAAS_MAX_JSON_DEPTH, a number that overflows, or malformed → 400
 * (invoke-input's parseJsonBody). Hono caches the parsed body, so the validator does not parse twice.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { NanofaasError } from "../../domain/errors";
import { errorResponse } from "../errors";
import { parseJsonBody } from "../invoke-input";

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json(?:\s*;|$)/i;

/**
 * `routeExists` is consulted only when the gate is about to reject, so an unknown route or a wrong
 * method still gets its 404/405 rather than a 415, at no cost on the happy path.
 */
export function jsonBody(
  maxBytes: number,
  maxJsonDepth: number,
  routeExists: (method: string, request: Request) => boolean,
): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () =>
      errorResponse(new NanofaasError("PAYLOAD_TOO_LARGE", `Request body exceeds the limit of ${maxBytes} bytes`)),
  });
  return async function jsonBodyGate(c, next) {
    const type = c.req.header("content-type");
    if (!type || !JSON_TYPE.test(type)) {
      if (!routeExists(c.req.method, c.req.raw)) return next();
      return errorResponse(
        new NanofaasError(
          "UNSUPPORTED_MEDIA_TYPE",
          `Content-Type must be application/json, got ${type ? `'${type}'` : "none"}`,
        ),
      );
    }
    return limit(c, async () => {
      const value = parseJsonBody(await c.req.text(), maxJsonDepth);
      // Pre-fill Hono's body cache so the zod validator reuses this parse.
      c.req.bodyCache.json = Promise.resolve(value);
      await next();
    });
  };
}
