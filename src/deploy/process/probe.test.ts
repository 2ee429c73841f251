import { afterAll, describe, expect, test } from "bun:test";
import { PortAllocator } from "./ports";
import { backoffDelay, probeHealth, sleep } from "./probe";

describe("backoffDelay", () => {
  test.each([
    [0, 100],
    [1, 200],
    [2, 400],
    [5, 3200],
    [6, 5000],
    [1000, 5000],
  ])("after %p failures waits %p ms", (failures, expected) => {
    expect(backoffDelay(failures, { baseMs: 100, maxMs: 5000 })).toBe(expected);
  });
});

describe("sleep", () => {
  test("resolves at once when aborted", async () => {
    const controller = new AbortController();
    const started = performance.now();
    const pending = sleep(10_000, controller.signal);
    controller.abort();
    await pending;
    expect(performance.now() - started).toBeLessThan(100);
  });
});

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
    expect(await probeHealth(base, never, 1000)).toEqual({ ok: false, kind: "answered", detail: "GET /health answered 503" });
  });

  test("a slow answer times out with a readable reason", async () => {
    hang = true;
    try {
      expect(await probeHealth(base, never, 50)).toEqual({ ok: false, kind: "unreachable", detail: "GET /health failed: no answer within 50 ms" });
    } finally {
      hang = false;
    }
  });

  test("a closed port is a failure, not an exception", async () => {
    const ports = new PortAllocator("127.0.0.1");
    const result = await probeHealth(`http://127.0.0.1:${ports.allocate()}`, never, 1000);
    expect(result).toEqual({ ok: false, kind: "unreachable", detail: "GET /health failed: connection refused" });
  });
});

describe("PortAllocator", () => {
  test("hands out distinct, bindable ports until they are released", () => {
    const ports = new PortAllocator("127.0.0.1");
    const taken = Array.from({ length: 20 }, () => ports.allocate());
    expect(new Set(taken).size).toBe(20);
    const server = Bun.serve({ hostname: "127.0.0.1", port: taken[0]!, fetch: () => new Response("ok") });
    expect(server.port).toBe(taken[0]!);
    server.stop(true);
    for (const port of taken) ports.release(port);
  });
});
