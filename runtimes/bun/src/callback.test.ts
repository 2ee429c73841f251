import { describe, expect, test } from "bun:test";
import { type CallbackTarget, callbackBody, createCallbackSender } from "./callback.ts";

type Step = number | Error;

function harness(steps: Step[]) {
  const requests: { url: string; init: RequestInit }[] = [];
  const sleeps: number[] = [];
  const failures: string[] = [];
  const sender = createCallbackSender({
    fetch: async (url, init) => {
      requests.push({ url, init });
      const step = steps[requests.length - 1] ?? 204;
      if (step instanceof Error) throw step;
      return new Response(null, { status: step });
    },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onFailure: (_target, problem) => failures.push(problem),
  });
  return { sender, requests, sleeps, failures };
}

const target: CallbackTarget = {
  base: "http://cp/v1/internal/executions/",
  executionId: "e/1",
  traceId: "t1",
  attempt: "3",
  callbackToken: "tok-3",
};

describe("callback delivery", () => {
  test("posts the body to {base}/{encoded id}:complete with trace, attempt and callback-token headers", async () => {
    const h = harness([204]);
    h.sender.send(target, '{"success":true,"output":1,"error":null}');
    await h.sender.flush();
    expect(h.requests).toHaveLength(1);
    expect(h.requests[0]!.url).toBe("http://cp/v1/internal/executions/e%2F1:complete");
    expect(h.requests[0]!.init.method).toBe("POST");
    expect(h.requests[0]!.init.body).toBe('{"success":true,"output":1,"error":null}');
    expect(h.requests[0]!.init.headers).toEqual({
      "Content-Type": "application/json",
      "X-Trace-Id": "t1",
      "X-Dispatch-Attempt": "3",
      "X-Callback-Token": "tok-3",
    });
    expect(h.failures).toEqual([]);
  });

  test("omits trace, attempt and token headers it does not have", async () => {
    const h = harness([204]);
    h.sender.send({ ...target, traceId: null, attempt: null, callbackToken: null }, "{}");
    await h.sender.flush();
    expect(h.requests[0]!.init.headers).toEqual({ "Content-Type": "application/json" });
  });

  test.each([
    ["5xx", [503, 502, 204]],
    ["408 and 429", [408, 429, 204]],
    ["network errors", [new Error("ECONNREFUSED"), new Error("reset"), 204]],
  ])("retries %s: 3 tries, waiting 100 ms then 500 ms", async (_kind, steps) => {
    const h = harness(steps as Step[]);
    h.sender.send(target, "{}");
    await h.sender.flush();
    expect(h.requests).toHaveLength(3);
    expect(h.sleeps).toEqual([100, 500]);
    expect(h.failures).toEqual([]);
  });

  test("gives up after 3 tries and reports the last problem once", async () => {
    const h = harness([500, 500, 503, 204]);
    h.sender.send(target, "{}");
    await h.sender.flush();
    expect(h.requests).toHaveLength(3);
    expect(h.failures).toEqual(["HTTP 503"]);
  });

  test("does not retry a permanent 4xx", async () => {
    const h = harness([404]);
    h.sender.send(target, "{}");
    await h.sender.flush();
    expect(h.requests).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
    expect(h.failures).toEqual(["HTTP 404"]);
  });

  test("send returns before delivery; flush waits for it", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let delivered = false;
    const sender = createCallbackSender({
      fetch: async () => {
        await gate;
        delivered = true;
        return new Response(null, { status: 204 });
      },
      sleep: async () => {},
      onFailure: () => {},
    });
    sender.send(target, "{}");
    expect(delivered).toBe(false);
    const flushed = sender.flush();
    release();
    await flushed;
    expect(delivered).toBe(true);
  });
});

describe("callbackBody", () => {
  test("wraps an already-serialised success output without re-encoding it", () => {
    expect(JSON.parse(callbackBody({ ok: true, body: '{"a":[1]}' }))).toEqual({
      success: true,
      output: { a: [1] },
      error: null,
    });
  });

  test("reports a failure with a null output", () => {
    expect(JSON.parse(callbackBody({ ok: false, error: { code: "X", message: "m" } }))).toEqual({
      success: false,
      output: null,
      error: { code: "X", message: "m" },
    });
  });
});
