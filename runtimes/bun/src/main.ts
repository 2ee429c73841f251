/**
 * @module
 * Entry point: `bun runtimes/bun/src/main.ts <handler-file>` (or `HANDLER=<file>`). Imports the
 * handler, measures initialisation, serves the pod contract on PORT (default 8080).
 */
import { resolve } from "node:path";
import { handlerOf } from "./load.ts";
import { fail, serveHandler } from "./serve.ts";

const path = process.argv[2] ?? process.env.HANDLER;
if (!path) fail("no handler", new Error("usage: main.ts <handler-file> (or set HANDLER)"));

let handler: ReturnType<typeof handlerOf>;
try {
  handler = handlerOf(await import(resolve(path)), path);
} catch (error) {
  fail("handler failed to load", error);
}
// performance.now() counts from process start, so this is the whole cold-start cost so far:
// runtime boot, module loading and the handler's own top-level initialisation.
serveHandler(handler, { env: process.env, initDurationMs: performance.now() });
