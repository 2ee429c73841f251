/**
 * Callback delivery rules against a real local server (the binary-level tests cover the
 * common paths; these pin the edges: 408, a stalled server, a URL that already names the call).
 */
import { afterAll, expect, test } from "bun:test";
import { deliverCallback, resultJson } from "./callback.ts";
import { createLogger } from "./log.ts";

const log = createLogger("error", () => {});
const seen: string[] = [];
let statuses: number[] = [];
let stall = false;
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    seen.push(new URL(req.url).pathname);
    if (stall) await Bun.sleep(1000);
    return new Response(null, { status: statuses.shift() ?? 204 });
  },
});
afterAll(() => server.stop(true));

const base = `http://127.0.0.1:${server.port}/v1/internal/executions`;
const noSleep = { log, sleep: async () => {} };

test("408 is retried like 5xx; the id is encoded into the path", async () => {
  seen.length = 0;
  statuses = [408, 204];
  const delivery = await deliverCallback({ baseUrl: base, executionId: "a/b", dispatchAttempt: 1 }, "{}", noSleep);
  expect(delivery).toEqual({ delivered: true, tries: 2, status: 204 });
  expect(seen).toEqual(["/v1/internal/executions/a%2Fb:complete", "/v1/internal/executions/a%2Fb:complete"]);
});

test("a base that already ends with :complete is used as is", async () => {
  seen.length = 0;
  statuses = [];
  await deliverCallback({ baseUrl: `${base}/x:complete`, executionId: "y", dispatchAttempt: 1 }, "{}", noSleep);
  expect(seen).toEqual(["/v1/internal/executions/x:complete"]);
});

test("each try is bounded: a stalled control plane costs three timeouts, not forever", async () => {
  stall = true;
  const started = performance.now();
  const delivery = await deliverCallback({ baseUrl: base, executionId: "s", dispatchAttempt: 1 }, "{}", {
    ...noSleep,
    tryTimeoutMs: 100,
  });
  stall = false;
  expect(delivery.delivered).toBe(false);
  expect(delivery.tries).toBe(3);
  expect(performance.now() - started).toBeLessThan(900);
});

test("the result body always carries success, output and error", () => {
  expect(JSON.parse(resultJson({ ok: true, json: '{"a":1}' }))).toEqual({
    success: true,
    output: { a: 1 },
    error: null,
  });
  expect(
    JSON.parse(resultJson({ ok: false, error: { status: 504, code: "HANDLER_TIMEOUT", message: "late" } })),
  ).toEqual({
    success: false,
    output: null,
    error: { code: "HANDLER_TIMEOUT", message: "late" },
  });
});
