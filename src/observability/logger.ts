/**
 * @module
 * Structured logs: one JSON line per event on stdout, through pino **without transports** (they
 * rely on worker threads, which do not work in a compiled Bun binary — ARCHITECTURE.md, traps).
 * Lines carry `level` as a label and an ISO `time`; execution events add `executionId`,
 * `function` and `traceId`. Pretty-printing is a pipe away: `… | bunx pino-pretty`.
 */
import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger } from "pino";

export interface LoggerOptions {
  level: string;
  /** Where lines go; defaults to stdout (asynchronous, so a burst of lines costs few syscalls). */
  destination?: DestinationStream;
}

export function createLogger({ level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** A logger that writes nothing (the default for control planes built in tests). */
export const silentLogger = (): Logger => pino({ level: "silent" });

/**
 * Writes out every buffered line and ends the stdout stream; call last, before `process.exit`.
 * (pino's `flush` does not wait for an asynchronous write already in progress, so lines logged
 * just before exit could be lost; ending the stream waits for it.)
 */
export function closeLogger(logger: Logger, timeoutMs = 2000): Promise<void> {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as
    | { end?: () => void; once?: (event: string, listener: () => void) => void; destroyed?: boolean }
    | undefined;
  if (!stream?.end || !stream.once || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    stream.once?.("finish", () => {
      clearTimeout(timer);
      resolve();
    });
    stream.end?.();
  });
}
