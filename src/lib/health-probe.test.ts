import { afterAll, describe, expect, test } from "bun:test";
import { probeHealth, probeHealthEvery } from "./health-probe";

describe("probeHealth", () => {
  let status = 200;
  let hang = false;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async () => {
      if (hang) await Bun.sleep(2000);
      return new Response("x", { status });
    },
  });
  afterAll(() => server.stop(true));
  const base = `http://127.0.0.1:${server.port}`;
  const never = new AbortController().signal;

  test("2xx is healthy", async () => {
    status = 204;
    expect(await probeHealth(base, never, 1000)).toEqual({ ok: true });
  });

  test("a non-2xx status is reported", async () => {
    status = 503;
    expect(await probeHealth(base, never, 1000)).toEqual({
      ok: false,
      kind: "answered",
      detail: "GET /health answered 503",
    });
  });

  test("a slow answer times out with a readable reason", async () => {
    hang = true;
    try {
      expect(await probeHealth(base, never, 50)).toEqual({
        ok: false,
        kind: "unreachable",
        detail: "GET /health failed: no answer within 50 ms",
      });
    } finally {
      hang = false;
    }
  });

  test("a closed port is a failure, not an exception", async () => {
    // A port that was free a moment ago: bind port 0, note it, close it.
    const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const { port } = listener;
    listener.stop(true);
    const result = await probeHealth(`http://127.0.0.1:${port}`, never, 1000);
    expect(result).toEqual({ ok: false, kind: "unreachable", detail: "GET /health failed: connection refused" });
  });
});

describe("probeHealthEvery", () => {
  test("yields a probe per interval until aborted, then nothing more", async () => {
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("ok") });
    const controller = new AbortController();
    const seen: unknown[] = [];
    try {
      for await (const result of probeHealthEvery(`http://127.0.0.1:${server.port}`, 10, 1000, controller.signal)) {
        seen.push(result);
        if (seen.length === 3) controller.abort();
      }
    } finally {
      server.stop(true);
    }
    expect(seen).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
  });
});
