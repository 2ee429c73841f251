/**
 * @module
 * Finds the handler in an imported module: its default export must be a function.
 */
import type { Handler } from "./sdk.ts";

export function handlerOf(module: unknown, source: string): Handler {
  const candidate = (module as { default?: unknown } | null)?.default;
  if (typeof candidate !== "function") {
    throw new TypeError(`${source} must have a default export that is a function (req, ctx) => output`);
  }
  return candidate as Handler;
}
