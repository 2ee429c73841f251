/**
 * @module
 * Hosts a handler on Bun.serve (node:http under Node.js) with graceful shutdown. Shared by the dynamic entry point
 * (`main.ts`) and by compiled binaries, whose generated entry imports the handler statically.
 */
import { tagConsoleOutput } from "./console-tags.ts";
import { createLogger, type LineWriter, stdoutWriter } from "./logger.ts";
import { createRuntime } from "./runtime.ts";
import type { Handler } from "./sdk.ts";
import { listenNode } from "./node-server.ts";
import { loadSettings } from "./settings.ts";

// Bun.serve caps idleTimeout at 255 s; /invoke switches it off per request because a handler
// may legitimately run for up to TIMEOUT_MS.
const IDLE_TIMEOUT_S = 255;
// Callback delivery needs at most 3 tries × 5 s plus backoff; beyond that we stop waiting.
const CALLBACK_FLUSH_MS = 16_000;

export interface ServeOptions {
  env: Record<string, string | undefined>;
  initDurationMs: number;
  write?: LineWriter;
}

/** Logs a start-up failure as a JSON line and exits 1 (a pod that cannot start must not linger). */
export function fail(message: string, error: unknown, write: LineWriter = stdoutWriter): never {
  createLogger(write, {}).error(message, { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

/** Starts serving `handler` and wires SIGTERM/SIGINT to a drain-then-exit(0) shutdown. */
export function serveHandler(handler: Handler, options: ServeOptions): void {
  const write = options.write ?? stdoutWriter;
  let settings: ReturnType<typeof loadSettings>;
  try {
    settings = loadSettings(options.env);
  } catch (error) {
    fail("invalid runtime settings", error, write);
  }
  const log = createLogger(write, settings.functionName ? { function: settings.functionName } : {});
  tagConsoleOutput();
  const runtime = createRuntime({ handler, settings, initDurationMs: options.initDurationMs, write });
  let server: Listening | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    runtime.startDraining();
    const giveUp = setTimeout(() => {
      log.error("shutdown grace exceeded; exiting");
      process.exit(1);
    }, settings.timeoutMs + CALLBACK_FLUSH_MS);
    // stop() refuses new connections, closes idle keep-alive ones and resolves once in-flight
    // responses have been written.
    await server?.stop();
    await runtime.flushCallbacks();
    clearTimeout(giveUp);
    log.info("stopped");
    process.exit(0);
  };
  // Installed before the port opens and is announced: whoever starts us may send SIGTERM the
  // moment it reads the "listening" line, and the default action would kill us mid-request.
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  listen(runtime, settings.port).then(
    (listening) => {
      server = listening;
      log.info("listening", {
        port: listening.port,
        timeoutMs: settings.timeoutMs,
        initDurationMs: Math.round(options.initDurationMs),
      });
    },
    (error) => fail("cannot listen", error, write),
  );
}

interface Listening {
  port: number;
  stop(): Promise<unknown>;
}

/** Bun.serve under Bun; node:http under Node.js, where there is no Bun global. */
async function listen(runtime: ReturnType<typeof createRuntime>, port: number): Promise<Listening> {
  if (typeof Bun === "undefined") return listenNode(runtime.handle, port);
  const server = Bun.serve({
    port,
    hostname: "0.0.0.0",
    idleTimeout: IDLE_TIMEOUT_S,
    fetch(request, srv) {
      srv.timeout(request, 0);
      return runtime.handle(request);
    },
  });
  return { port: server.port ?? port, stop: () => server.stop() };
}
