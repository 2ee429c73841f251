/**
 * @module
 * A stand-in for the control plane's callback endpoint: records every POST and answers with a
 * scripted status, optionally late.
 */

export interface RecordedCallback {
  path: string;
  headers: Headers;
  body: unknown;
  at: number;
}

export interface FakeControlPlane {
  url: string;
  calls: RecordedCallback[];
  /** Resolves once `count` callbacks whose path contains `fragment` have arrived. */
  waitFor(fragment: string, count?: number, timeoutMs?: number): Promise<RecordedCallback[]>;
  stop(): Promise<void>;
}

export interface FakeControlPlaneOptions {
  /** Status for the n-th call (1-based) to a path; default 204. */
  status?: (path: string, n: number) => number;
  delayMs?: number;
  /** Address to bind and to name in `url` (default 127.0.0.1): the pod under test must reach it. */
  hostname?: string;
}

/** The receiver the callback cases expect: the first callback for an id containing "flaky" gets 503. */
export const FLAKY_RECEIVER: FakeControlPlaneOptions = {
  status: (path, n) => (path.includes("flaky") && n === 1 ? 503 : 204),
};

export function startFakeControlPlane(options: FakeControlPlaneOptions = {}): FakeControlPlane {
  const calls: RecordedCallback[] = [];
  const hostname = options.hostname ?? "127.0.0.1";
  const server = Bun.serve({
    port: 0,
    hostname,
    async fetch(request) {
      const path = new URL(request.url).pathname;
      calls.push({ path, headers: request.headers, body: parseOrText(await request.text()), at: Date.now() });
      if (options.delayMs) await Bun.sleep(options.delayMs);
      const n = calls.filter((call) => call.path === path).length;
      return new Response(null, { status: options.status?.(path, n) ?? 204 });
    },
  });
  return {
    url: `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${server.port}/v1/internal/executions`,
    calls,
    async waitFor(fragment, count = 1, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const matching = calls.filter((call) => call.path.includes(fragment));
        if (matching.length >= count) return matching;
        if (Date.now() > deadline)
          throw new Error(`expected ${count} callback(s) for ${fragment}, got ${matching.length}`);
        await Bun.sleep(10);
      }
    },
    stop: () => server.stop(true),
  };
}

/** A pod under test may post anything: keep what is not JSON as text, so the check can show it. */
function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
