import { describe, expect, test } from "bun:test";
import { isInvocationError, readInvocation } from "./request.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const headers = (h: Record<string, string> = {}) => new Headers(h);
const defaults = { dispatchAttempt: 1 };

describe("readInvocation", () => {
  test.each([
    ["not JSON", "{", "INVALID_JSON"],
    ["empty", "", "INVALID_JSON"],
    ["invalid UTF-8", "\xff", "INVALID_JSON"],
    ["an array", "[]", "INVALID_REQUEST"],
    ["a string", '"x"', "INVALID_REQUEST"],
    ["null", "null", "INVALID_REQUEST"],
    ["metadata with a number", '{"input":1,"metadata":{"a":1}}', "INVALID_REQUEST"],
    ["metadata as an array", '{"input":1,"metadata":["a"]}', "INVALID_REQUEST"],
  ])("a body that is %s is a 400 %s", (_name, body, code) => {
    const raw = body === "\xff" ? new Uint8Array([0xff]) : bytes(body);
    const result = readInvocation(raw, headers(), defaults);
    expect(isInvocationError(result) && { status: result.status, code: result.code }).toEqual({ status: 400, code });
  });

  test("null metadata and a missing input are accepted; the body is kept byte for byte", () => {
    const body = bytes('{"metadata": null}');
    const result = readInvocation(body, headers(), defaults);
    expect(isInvocationError(result)).toBe(false);
    expect(!isInvocationError(result) && result.body).toBe(body);
  });

  test("headers win over the environment defaults", () => {
    const result = readInvocation(
      bytes("{}"),
      headers({ "X-Execution-Id": " e1 ", "X-Trace-Id": "t1", "X-Dispatch-Attempt": "4", "Idempotency-Key": "k" }),
      { executionId: "env-e", traceId: "env-t", dispatchAttempt: 2 },
    );
    expect(result).toMatchObject({ executionId: "e1", traceId: "t1", dispatchAttempt: 4, idempotencyKey: "k" });
  });

  test("defaults apply when headers are blank or invalid; a missing execution id is generated", () => {
    const withEnv = readInvocation(bytes("{}"), headers({ "X-Execution-Id": " ", "X-Dispatch-Attempt": "0" }), {
      executionId: "env-e",
      traceId: "env-t",
      dispatchAttempt: 2,
    });
    expect(withEnv).toMatchObject({ executionId: "env-e", traceId: "env-t", dispatchAttempt: 2 });
    const generated = readInvocation(bytes("{}"), headers(), defaults);
    expect(!isInvocationError(generated) && generated.executionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test.each([
    ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "4bf92f3577b34da6a3ce929d0e0e4736"],
    ["00-00000000000000000000000000000000-00f067aa0ba902b7-01", undefined],
    ["00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", undefined],
    ["ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", undefined],
    ["garbage", undefined],
  ])("traceparent %p gives trace id %p", (traceparent, traceId) => {
    const result = readInvocation(bytes("{}"), headers({ traceparent }), defaults);
    expect(!isInvocationError(result) && [result.traceId, result.traceparent]).toEqual([
      traceId,
      traceId ? traceparent : undefined,
    ]);
  });
});
