/**
 * @module
 * Writes a function's log lines as an HTTP response: NDJSON of the held lines, or Server-Sent
 * Events that go on with new lines until the client leaves (docs/logs.md). Following subscribes
 * before reading the history, so no line printed in between is lost; lines seen in both are sent once.
 */
import type { LogLine } from "../logs/log-line";
import type { FunctionLogSource, LogQuery } from "../logs/log-source";

/** A comment every so often keeps proxies from closing an idle event stream. */
const KEEPALIVE_MS = 15_000;

const encoder = new TextEncoder();

export function ndjsonResponse(source: FunctionLogSource, name: string, query: LogQuery): Response {
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        const lines = await source.read(name, query);
        if (lines.length > 0) controller.enqueue(encoder.encode(`${lines.map((l) => JSON.stringify(l)).join("\n")}\n`));
      } catch (error) {
        controller.enqueue(
          encoder.encode(`${JSON.stringify({ error: "LOGS_UNAVAILABLE", message: String(error) })}\n`),
        );
      }
      controller.close();
    },
  });
  return new Response(body, { headers: { "Content-Type": "application/x-ndjson; charset=utf-8" } });
}

export function sseResponse(
  source: FunctionLogSource,
  name: string,
  query: LogQuery,
  clientGone: AbortSignal,
): Response {
  const stop = new AbortController();
  const leave = () => stop.abort();
  clientGone.addEventListener("abort", leave, { once: true });
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        if (stop.signal.aborted) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop.abort(); // the stream is closed: the client left
        }
      };
      const event = (line: LogLine) => send(`event: log\ndata: ${JSON.stringify(line)}\n\n`);
      // At once: the response's headers go out with its first bytes, and a client waits for them.
      send(": following\n\n");
      const keepalive = setInterval(() => send(": keepalive\n\n"), KEEPALIVE_MS);
      void followWithHistory(source, name, query, event, stop.signal)
        .catch((error: unknown) => send(`event: error\ndata: ${JSON.stringify({ message: String(error) })}\n\n`))
        .finally(() => {
          clearInterval(keepalive);
          clientGone.removeEventListener("abort", leave);
          try {
            controller.close();
          } catch {
            // Already closed by a cancel.
          }
        });
    },
    cancel: leave,
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache",
      "X-Accel-Buffering": "no",
    },
  });
}

/** The held lines, then the new ones; a line printed while the history was read is sent once. */
async function followWithHistory(
  source: FunctionLogSource,
  name: string,
  query: LogQuery,
  emit: (line: LogLine) => void,
  signal: AbortSignal,
): Promise<void> {
  let early: LogLine[] | undefined = [];
  const followed = source.follow(
    name,
    { ...query, tail: undefined },
    (line) => (early ? early.push(line) : emit(line)),
    signal,
  );
  const history = await source.read(name, query);
  for (const line of history) emit(line);
  // By value, not identity: a source that reads its history anew (k8s pods/log) returns new
  // objects for the lines its follow also delivered.
  const seen = new Set(history.map(keyOf));
  for (const line of early) if (!seen.has(keyOf(line))) emit(line);
  early = undefined;
  await followed;
}

/** A line's identity across two reads of the same source: every field, the time to the millisecond. */
const keyOf = (line: LogLine) => `${line.time}\0${line.replica}\0${line.stream}\0${line.message}`;
