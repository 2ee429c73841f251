/**
 * @module
 * Unexpected errors — everything the API answers as 500 INTERNAL_ERROR — are logged at error level
 * with their cause and a request id (issue 13.10), and the response carries that id in
 * `X-Request-Id` so a user's report can be matched to the log line. A client-supplied
 * `X-Request-Id` (up to 128 printable characters) is kept; otherwise one is generated.
 */
import type { Logger } from "./logger";

/** Logs `error` for `request`; returns the request id to answer with. */
export type UnexpectedErrorReporter = (error: unknown, request: Request) => string;

const CLIENT_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

export function createUnexpectedErrorReporter(
  logger: Logger,
  newId: () => string = () => crypto.randomUUID(),
): UnexpectedErrorReporter {
  return (error, request) => {
    const given = request.headers.get("x-request-id");
    const requestId = given && CLIENT_REQUEST_ID.test(given) ? given : newId();
    let path = request.url;
    try {
      path = new URL(request.url).pathname;
    } catch {
      // Keep the raw URL: logging must not fail.
    }
    logger.error({ err: error, requestId, method: request.method, path }, "unexpected error (500 INTERNAL_ERROR)");
    return requestId;
  };
}
