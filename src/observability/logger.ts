/**
 * @module
 * Structured logs: one JSON line per event on stdout, through pino **without transports** (they
 * rely on worker threads, which do not work in a compiled Bun binary — ARCHITECTURE.md, traps).
 * Lines carry `level` as a label and an ISO `time`; execution events add `executionId`,
 * `function` and `traceId`. Pretty-printing is a pipe away: `… | bunx pino-pretty`.
 *
 * Measured on Bun 1.4 (one access-log line): pino's own formatting ~3 µs, sonic-boom's stdout
 * destination 11–18 µs (sync or async), a hand-built line ~0.6 µs, Bun's buffered stdout writer
 * ~0.6 µs. Hence stdout goes through `stdoutDestination` (buffered, flushed once per event-loop
 * turn), and the one line written per API request is built by `fastLineWriter`.
 */
import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger } from "pino";

export interface LoggerOptions {
  level: string;
  /** Where lines go (tests pass an in-memory one); main.ts passes `stdoutDestination()`. */
  destination: DestinationStream;
}

export function createLogger({ level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** A logger that writes nothing (the default for control planes built in tests). */
export const silentLogger = (): Logger => pino({ level: "silent" });

interface ClosableDestination extends DestinationStream {
  /** Writes out everything buffered and stops. */
  close(): Promise<void>;
}

/**
 * Buffered stdout (Bun's FileSink): lines written during one event-loop turn go out in one write,
 * flushed on `setImmediate`, so a log line never waits for traffic to fill a buffer. Bun-only;
 * used by main.ts.
 */
export function stdoutDestination(): ClosableDestination {
  const sink = Bun.stdout.writer({ highWaterMark: 64 * 1024 });
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    void sink.flush();
  };
  return {
    write(line: string) {
      sink.write(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    async close() {
      await sink.flush();
      await sink.end();
    },
  };
}

const streamOf = (logger: Logger) =>
  (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as
    | (DestinationStream & Partial<ClosableDestination>)
    | undefined;

/** Writes out every buffered line and closes stdout; call last, before `process.exit`. */
export async function closeLogger(logger: Logger): Promise<void> {
  await streamOf(logger)?.close?.();
}

/** A value as JSON, or nothing when undefined (pino omits undefined fields too). */
export type LineFields = Record<string, string | number | boolean | undefined>;

/**
 * Writes one info line with the given fields straight to the logger's destination, in pino's
 * shape (`level`, `time`, fields, `msg`), skipping pino's formatting. For the per-request access
 * log only; undefined when info is disabled.
 */
export function fastLineWriter(logger: Logger): ((msg: string, fields: LineFields) => void) | undefined {
  const stream = streamOf(logger);
  if (!logger.isLevelEnabled("info") || !stream) return undefined;
  const msgCache = new Map<string, string>();
  return (msg, fields) => {
    let line = `{"level":"info","time":"${new Date().toISOString()}"`;
    for (const key in fields) {
      const value = fields[key];
      if (value === undefined) continue;
      line += `,"${key}":${typeof value === "string" ? JSON.stringify(value) : value}`;
    }
    let tail = msgCache.get(msg);
    if (tail === undefined) {
      tail = `,"msg":${JSON.stringify(msg)}}\n`;
      msgCache.set(msg, tail);
    }
    stream.write(line + tail);
  };
}
