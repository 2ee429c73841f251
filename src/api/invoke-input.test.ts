import { describe, expect, test } from "bun:test";
import type { NanofaasError } from "../domain/errors";
import { RawJson } from "../lib/raw-json";
import { parseInvokeBody, parseInvokeTarget, parseTimeoutMs, readInvokeOptions } from "./invoke-input";

const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error as NanofaasError;
  }
  throw new Error("expected an error");
};

describe("X-Timeout-Ms", () => {
  test.each(["0x10", "1e3", "+5", " 5 ", "5 ", "0", "900001", "-1", "1.0", "", "٣"])("%p is refused", (raw) => {
    expect(parseTimeoutMs(raw)).toEqual({ problem: "must be an integer between 1 and 900000" });
  });
  test.each([
    ["1", 1],
    ["900000", 900_000],
    ["0500", 500],
  ])("%p is %d ms", (raw, ms) => {
    expect(parseTimeoutMs(raw)).toEqual({ ms });
  });

  test("is read for :invoke only, with a VALIDATION_ERROR naming the header", () => {
    const headers = new Headers({ "x-timeout-ms": "1e3", "idempotency-key": " ", "x-trace-id": "t" });
    expect(readInvokeOptions(headers, "enqueue")).toEqual({
      idempotencyKey: undefined,
      traceId: "t",
      traceparent: undefined,
      tracestate: undefined,
    });
    const error = errorOf(() => readInvokeOptions(headers, "invoke"));
    expect(error.code).toBe("VALIDATION_ERROR");
    expect(error.details).toEqual(["x-timeout-ms: must be an integer between 1 and 900000"]);
  });
});

describe("invoke target", () => {
  test.each([
    ["http://h/v1/functions/echo:invoke", { name: "echo", verb: "invoke" }],
    ["http://h/v1/functions/echo:enqueue", { name: "echo", verb: "enqueue" }],
    ["http://h/v1/functions/echo:complete", undefined],
    ["http://h/v1/functions/echo:invoke?x=1", undefined],
    ["http://h/v1/functions/a/b:invoke", undefined],
  ])("%s", (url, expected) => {
    expect(parseInvokeTarget(url)).toEqual(expected as never);
  });
});

describe("invoke body", () => {
  test("keeps the input as the client's text, numbers and all", () => {
    const input = '{"big":12345678901234567890,"f":7.0,"exp":1.5e3}';
    const body = parseInvokeBody(`{"input": ${input} ,"metadata":{"a":"b","n":2,"t":true}}`, 256);
    expect(body.input).toEqual(new RawJson(input));
    expect(body.metadata).toEqual({ a: "b", n: "2", t: "true" });
  });

  test("accepts a null input (the document allows it)", () => {
    expect(parseInvokeBody('{"input":null}', 256).input).toEqual(new RawJson("null"));
  });

  test.each([
    ['{"input":1e999}', "BAD_REQUEST", "out of range"],
    ['{"input":[-1E400]}', "BAD_REQUEST", "out of range"],
    ['{"metadata":{}}', "VALIDATION_ERROR", "Request validation failed"],
    ["[1]", "VALIDATION_ERROR", "Request validation failed"],
    ['{"input":1,"metadata":{"k":{}}}', "VALIDATION_ERROR", "Request validation failed"],
    ["{", "BAD_REQUEST", "Malformed JSON"],
    ["  ", "BAD_REQUEST", "missing"],
    [
      `{"input":${"[".repeat(300)}${"]".repeat(300)}}`,
      "BAD_REQUEST",
      "deeper than the limit of 256 (NANOFAAS_MAX_JSON_DEPTH)",
    ],
  ])("%s → %s", (text, code, message) => {
    const error = errorOf(() => parseInvokeBody(text, 256));
    expect(error.code).toBe(code as never);
    expect(error.message).toContain(message);
  });

  test("the depth limit counts the body's own object", () => {
    expect(() => parseInvokeBody('{"input":[[1]]}', 3)).not.toThrow();
    expect(errorOf(() => parseInvokeBody('{"input":[[[1]]]}', 3)).message).toContain("limit of 3");
  });
});
