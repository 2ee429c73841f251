/**
 * @module
 * One collected line of a function's output (SPEC-platform §8), and how the execution it belongs to
 * is read from the line itself. Two tags are understood, both written by nanofaas's own code in the
 * replica, so nothing has to be configured:
 * - a JSON object line with a string `executionId` (and `traceId`): what the runtimes' `ctx.logger`
 *   prints; the line is kept as it is;
 * - a `[exec <id> trace <id>] ` prefix (contracts/log-tag.ts): what the watchdog puts before each
 *   line a per-invocation child prints; the prefix is removed from the message.
 */
import { readExecTag } from "../contracts/log-tag";

export type LogStream = "stdout" | "stderr";

export interface LogLine {
  /** ISO-8601 UTC, when the control plane (or the backend) saw the line. */
  time: string;
  function: string;
  /** Which replica printed it: the index for process/docker, the pod name for Kubernetes. */
  replica: string;
  stream: LogStream;
  executionId?: string;
  traceId?: string;
  message: string;
}

/** A line's execution tags and message; untagged lines come back as they are. */
export function readTags(text: string): Pick<LogLine, "executionId" | "traceId" | "message"> {
  const tag = readExecTag(text);
  if (tag)
    return tag.traceId
      ? { executionId: tag.executionId, traceId: tag.traceId, message: tag.rest }
      : { executionId: tag.executionId, message: tag.rest };
  if (text.startsWith("{") && text.includes('"executionId"')) {
    const tags = jsonTags(text);
    if (tags) return { ...tags, message: text };
  }
  return { message: text };
}

function jsonTags(text: string): { executionId: string; traceId?: string } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { executionId, traceId } = value as { executionId?: unknown; traceId?: unknown };
  if (typeof executionId !== "string") return undefined;
  return typeof traceId === "string" ? { executionId, traceId } : { executionId };
}
