/**
 * @module
 * JSON-lines logger. Compiled binaries cannot use pino transports, and log collectors in a pod
 * read stdout, so every line goes to stdout through an injected writer.
 */
import type { Logger } from "./sdk.ts";

export type LineWriter = (line: string) => void;

export const stdoutWriter: LineWriter = (line) => {
  process.stdout.write(`${line}\n`);
};

type Level = "debug" | "info" | "warn" | "error";

/** A logger whose lines carry `base` (e.g. executionId, traceId) after the standard fields. */
export function createLogger(write: LineWriter, base: Record<string, unknown>): Logger {
  const log = (level: Level, message: string, fields?: Record<string, unknown>) => {
    const line = { timestamp: new Date().toISOString(), level, message, ...base, ...fields };
    let text: string;
    try {
      text = JSON.stringify(line);
    } catch {
      // A circular or BigInt field must not turn a log call into a handler failure.
      text = JSON.stringify({ timestamp: line.timestamp, level, message, ...base, logError: "unserialisable fields" });
    }
    write(text);
  };
  return {
    debug: (message, fields) => log("debug", message, fields),
    info: (message, fields) => log("info", message, fields),
    warn: (message, fields) => log("warn", message, fields),
    error: (message, fields) => log("error", message, fields),
  };
}
