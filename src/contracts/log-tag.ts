/**
 * @module
 * How a line of a replica's output names the execution it belongs to (docs/logs.md), shared by the
 * watchdog, which writes the tag before each line a per-invocation child prints, and the control
 * plane, which reads it back. Ids are the engine's execution ids and W3C trace ids: no spaces, no `]`.
 */

/** `[exec <executionId>] ` or `[exec <executionId> trace <traceId>] `, then the line. */
export function execTag(executionId: string, traceId?: string): string {
  return traceId ? `[exec ${executionId} trace ${traceId}] ` : `[exec ${executionId}] `;
}

const TAG = /^\[exec ([^\s\]]+)(?: trace ([^\s\]]+))?\] /;

/** The tag at the start of `line`, if any, and the line without it. */
export function readExecTag(line: string): { executionId: string; traceId?: string; rest: string } | undefined {
  if (!line.startsWith("[exec ")) return undefined;
  const match = TAG.exec(line);
  if (!match) return undefined;
  const rest = line.slice(match[0].length);
  return match[2] ? { executionId: match[1]!, traceId: match[2], rest } : { executionId: match[1]!, rest };
}
