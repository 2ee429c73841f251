/**
 * @module
 * Collects a container's output for the log hub (GET /v1/functions/{name}/logs): the daemon's
 * followed log stream of the container, from its first byte, demultiplexed into stdout and stderr
 * lines. It ends by itself when the container stops (Docker closes the stream) or when `signal`
 * aborts (the replica removed the container and must not wait on a daemon that keeps it open).
 */
import type { LogStream } from "../../logs/log-line";
import type { EngineClient } from "./engine-client";
import { LogFrameDemuxer, StreamLines } from "./log-frames";

/**
 * Follows `id`'s output, calling `onLine` per line, until the stream ends. Never rejects: resolves
 * with why collection stopped early (a broken stream, an unreadable frame), undefined otherwise.
 */
export async function followContainerLogs(
  engine: EngineClient,
  id: string,
  onLine: (stream: LogStream, line: string) => void,
  signal: AbortSignal,
): Promise<string | undefined> {
  let body: ReadableStream<Uint8Array> | undefined;
  try {
    body = await engine.logsFollow(id, signal);
  } catch (error) {
    return signal.aborted ? undefined : `could not follow its logs: ${describe(error)}`;
  }
  if (!body) return undefined;
  const demuxer = new LogFrameDemuxer();
  const lines = new StreamLines(onLine);
  const reader = body.getReader();
  let problem: string | undefined;
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      for (const frame of demuxer.push(chunk.value)) lines.frame(frame);
      if (demuxer.error) {
        problem = `its log stream is unreadable: ${demuxer.error}`;
        break;
      }
    }
  } catch (error) {
    if (!signal.aborted) problem = `its log stream broke: ${describe(error)}`;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  lines.end();
  return problem;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
