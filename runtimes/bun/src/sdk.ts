/**
 * @module
 * The public SDK for TypeScript/JavaScript functions. A function is a module whose default export
 * is a {@link Handler}:
 *
 * ```ts
 * import { FunctionError, type Handler } from "nanofaas/runtimes/bun/src/sdk.ts";
 * const handler: Handler<{ name: string }> = async ({ input }, ctx) => {
 *   if (!input.name) throw new FunctionError("BAD_INPUT", "name is required");
 *   ctx.logger.info("greeting", { name: input.name });
 *   return { hello: input.name };
 * };
 * export default handler;
 * ```
 *
 * This file has no dependencies and no side effects so that handlers can import it cheaply.
 */
import type { Json } from "../../../src/contracts/pod.ts";

export type { Json };

/** What a handler receives: the invocation's `input` and its string metadata (`{}` when none). */
export interface InvocationInput<I = Json> {
  input: I;
  metadata: Record<string, string>;
}

/** Structured logger: one JSON line on stdout per call, stamped with executionId and traceId. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Per-invocation context. */
export interface Context {
  executionId: string;
  /** `X-Trace-Id`, else the trace id of `traceparent`, else `TRACE_ID`; null when none. */
  traceId: string | null;
  logger: Logger;
  /** Aborted when the invocation's deadline (`TIMEOUT_MS`) passes: stop work and return. */
  signal: AbortSignal;
  /** True for the first invocation this process started. */
  isColdStart: boolean;
}

/** A function handler. Its return value (awaited) is the response body, serialised as JSON. */
export type Handler<I = Json, O = unknown> = (req: InvocationInput<I>, ctx: Context) => O | Promise<O>;

// A registry symbol rather than `instanceof` alone: a handler compiled or bundled separately
// carries its own copy of this class, and its errors must still keep their code.
const BRAND = Symbol.for("nanofaas.FunctionError");

/** A failure with a machine-readable code; the pod answers 500 `{"error":{"code","message"}}`. */
export class FunctionError extends Error {
  readonly [BRAND] = true;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "FunctionError";
  }
}

/** True for a {@link FunctionError}, including one from another copy of this module. */
export function isFunctionError(value: unknown): value is FunctionError {
  return (
    value instanceof FunctionError ||
    (typeof value === "object" &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true &&
      typeof (value as { code?: unknown }).code === "string")
  );
}
