/**
 * @module
 * Finds the handler in an imported module. Ours is the default export, `(req, ctx) => output`.
 * A module written for the reference's JS SDK exports a named `handle` with the arguments the
 * other way round, `(ctx, req) => output` (its `req` is `{input, metadata}` and its `ctx` has
 * `executionId`, `traceId`, `logger`, `signal`, `isColdStart`, as ours): it is accepted and
 * called that way, so a reference function moves without edits (issue 15.6).
 */
import type { Context, Handler, InvocationInput } from "./sdk.ts";

/** The reference JS SDK's handler shape. */
type ReferenceHandler = (ctx: Context, req: InvocationInput) => unknown;

export function handlerOf(module: unknown, source: string): Handler {
  const exports = module as { default?: unknown; handle?: unknown } | null;
  if (typeof exports?.default === "function") return exports.default as Handler;
  if (typeof exports?.handle === "function") {
    const handle = exports.handle as ReferenceHandler;
    return (req, ctx) => handle(ctx, req);
  }
  throw new TypeError(
    `${source} must have a default export that is a function (req, ctx) => output, or a named export handle(ctx, req) as in the reference SDK`,
  );
}
