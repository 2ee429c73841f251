/**
 * @module
 * What the logs route asks of a deployment backend (SPEC-platform §8): the recent lines of a
 * function, and its new lines as they come. Process and Docker keep them in a bounded buffer per
 * function (log-hub.ts); Kubernetes reads `pods/log` of every replica when asked.
 */
import type { LogLine } from "./log-line";

export interface LogQuery {
  /** Only lines at or after this time (epoch ms). */
  sinceMs?: number;
  /** Only the last `tail` matching lines of the history. */
  tail?: number;
  executionId?: string;
  replica?: string;
}

export interface FunctionLogSource {
  /** The matching lines held now, oldest first. */
  read(name: string, query: LogQuery): Promise<LogLine[]>;
  /**
   * Calls `onLine` with each new matching line until `signal` aborts; resolves when following
   * ends (the abort, or the source has no more lines to give, e.g. every pod stream closed).
   */
  follow(name: string, query: LogQuery, onLine: (line: LogLine) => void, signal: AbortSignal): Promise<void>;
}

/** Whether `line` passes the query's filters (not `tail`, which is about position). */
export function matches(line: LogLine, query: LogQuery): boolean {
  if (query.executionId !== undefined && line.executionId !== query.executionId) return false;
  if (query.replica !== undefined && line.replica !== query.replica) return false;
  if (query.sinceMs !== undefined && Date.parse(line.time) < query.sinceMs) return false;
  return true;
}

/** The last `tail` of `lines` (all of them when `tail` is undefined). */
export function lastOf<T>(lines: T[], tail: number | undefined): T[] {
  return tail === undefined || tail >= lines.length ? lines : lines.slice(lines.length - tail);
}
