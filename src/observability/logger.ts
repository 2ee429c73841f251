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

/** Writes out buffered lines; call before `process.exit`. */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}

