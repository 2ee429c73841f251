import { describe, expect, test } from "bun:test";
import { parseBody, parseInvocation, traceIdOf } from "./request.ts";

const none = { executionId: null, traceId: null, callbackUrl: null };

describe("parseBody", () => {
  test.each([
    ['{"input":{"a":1},"metadata":{"k":"v"}}', { a: 1 }, { k: "v" }],
    ['{"input":"text"}', "text", {}],
    ['{"input":null,"metadata":null}', null, {}],
    ['{"metadata":{}}', null, {}],
    ["", null, {}],
    [" \r\n\t", null, {}],
  ])("accepts %j", (text, input, metadata) => {
    expect(parseBody(text)).toEqual({ ok: true, input, metadata });
  });

  test.each([
    ['{"input": ', "INVALID_JSON"],
    ["NaN", "INVALID_JSON"],
    ["[1,2]", "INVALID_REQUEST"],
    ['"just a string"', "INVALID_REQUEST"],
    ["null", "INVALID_REQUEST"],
    ['{"input":1,"metadata":{"n":1}}', "INVALID_REQUEST"],
    ['{"input":1,"metadata":["a"]}', "INVALID_REQUEST"],
    ['{"input":1,"metadata":"a=b"}', "INVALID_REQUEST"],
  ])("rejects %j with %s", (text, code) => {
    const result = parseBody(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });
});

describe("traceIdOf", () => {
  const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  test("prefers X-Trace-Id, then traceparent, then the fallback", () => {
    expect(traceIdOf(new Headers({ "X-Trace-Id": "t1", traceparent }), "env")).toBe("t1");
    expect(traceIdOf(new Headers({ traceparent }), "env")).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(traceIdOf(new Headers({ traceparent: "garbage" }), "env")).toBe("env");
    expect(traceIdOf(new Headers(), null)).toBeNull();
  });
});

describe("parseInvocation", () => {
  const post = (headers: Record<string, string>, body = '{"input":1}') =>
    new Request("http://pod/invoke", { method: "POST", headers, body });

  test("the header execution id wins over the fallback; ids, attempt, callback and token come from headers", async () => {
    const result = await parseInvocation(
      post({
        "X-Execution-Id": " h1 ",
        "X-Dispatch-Attempt": "2",
        "X-Callback-Url": "http://hdr/cb",
        "X-Callback-Token": "tok-2",
      }),
      { executionId: "env", traceId: "env-trace", callbackUrl: "http://env/cb" },
    );
    expect(result).toEqual({
      ok: true,
      invocation: {
        executionId: "h1",
        traceId: "env-trace",
        attempt: "2",
        callbackBase: "http://hdr/cb",
        callbackToken: "tok-2",
        input: 1,
        metadata: {},
      },
    });
  });

  test("falls back to EXECUTION_ID and CALLBACK_URL", async () => {
    const result = await parseInvocation(post({ "X-Execution-Id": "  " }), {
      executionId: "env",
      traceId: null,
      callbackUrl: "http://env/cb",
    });
    expect(result.ok && result.invocation.executionId).toBe("env");
    expect(result.ok && result.invocation.callbackBase).toBe("http://env/cb");
  });

  test("no execution id at all is EXECUTION_ID_REQUIRED, with nothing to call back about", async () => {
    expect(await parseInvocation(post({}), none)).toEqual({
      ok: false,
      error: { code: "EXECUTION_ID_REQUIRED", message: "Execution ID required" },
    });
  });

  test("a bad body keeps the ids so the failure can be reported by callback", async () => {
    const result = await parseInvocation(post({ "X-Execution-Id": "e1" }, "{"), none);
    expect(result).toMatchObject({ ok: false, error: { code: "INVALID_JSON" }, invocation: { executionId: "e1" } });
  });
});
