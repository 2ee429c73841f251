/**
 * @module
 * JSON-lines logger on stderr. Stderr, not stdout: in one-shot mode without `CALLBACK_URL` the
 * watchdog prints the invocation result on stdout, and that stream must stay pure data.
 */
import type { LogLevel } from "./config.ts";

export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  enabled(level: LogLevel): boolean;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(level: LogLevel, write: (line: string) => unknown, base: Fields = {}): Logger {
  const threshold = RANK[level];
  const emit = (lvl: LogLevel) => (msg: string, fields?: Fields) => {
    if (RANK[lvl] < threshold) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...base, ...fields })}\n`);
  };
  return {
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    enabled: (lvl) => RANK[lvl] >= threshold,
  };
}

/** Error text for logs and messages without assuming `unknown` is an Error. */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
