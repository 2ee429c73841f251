/**
 * Stand-ins for the rest of the platform in watchdog tests: a callback endpoint that records what
 * it receives, and a reader for Prometheus text.
 */
import { afterAll } from "bun:test";

/** The value of one series in Prometheus text, e.g. `name{a="b"}`. */
export function metricValue(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`no series ${series} in:\n${text}`);
  return Number(line.slice(series.length + 1));
}

export interface CallbackCall {
  path: string;
  body: unknown;
  headers: Record<string, string>;
  at: number;
}

export interface CallbackServer {
  /** Base URL to use as CALLBACK_URL. */
  base: string;
  calls: CallbackCall[];
  stop(): Promise<void>;
}

/**
 * A stand-in control plane: records every callback and answers with the next status of `statuses`
 * (the last one repeats; 204 when empty).
 */
export function startCallbackServer(statuses: number[] = []): CallbackServer {
  const calls: CallbackCall[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const headers: Record<string, string> = {};
      req.headers.forEach((value, name) => {
        headers[name] = value;
      });
      calls.push({ path: new URL(req.url).pathname, body: await req.json(), headers, at: performance.now() });
      const status = statuses[Math.min(calls.length - 1, statuses.length - 1)] ?? 204;
      return new Response(null, { status });
    },
  });
  return {
    base: `http://127.0.0.1:${server.port}/v1/internal/executions`,
    calls,
    stop: () => server.stop(true),
  };
}

/**
 * A `startCallbackServer` for one test file: every server it starts is stopped in that file's
 * afterAll. Call it at the top level of the file.
 */
export function callbackServers(): (statuses?: number[]) => CallbackServer {
  const started: CallbackServer[] = [];
  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()));
  });
  return (statuses = []) => {
    const server = startCallbackServer(statuses);
    started.push(server);
    return server;
  };
}
