import { describe, expect, test } from "bun:test";
import type { TraceContext } from "../execution/execution-record";
import { formatTraceparent, normalizeTraceContext, parseTraceparent, traceIdOf } from "./trace-context";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";

describe("parseTraceparent", () => {
  test.each([
    [`00-${TRACE}-${SPAN}-01`, { traceId: TRACE, spanId: SPAN, flags: 1 }],
    [`00-${TRACE}-${SPAN}-00`, { traceId: TRACE, spanId: SPAN, flags: 0 }],
    [` 00-${TRACE}-${SPAN}-01 `, { traceId: TRACE, spanId: SPAN, flags: 1 }],
    [`01-${TRACE}-${SPAN}-01-extra`, { traceId: TRACE, spanId: SPAN, flags: 1 }], // future versions may append fields
  ])("valid: %s", (header, expected) => {
    expect(parseTraceparent(header)).toEqual(expected);
  });

  test.each([
    ["", "empty"],
    [`00-${TRACE}-${SPAN}`, "missing flags"],
    [`00-${TRACE}-${SPAN}-01-extra`, "version 00 with extra fields"],
    [`ff-${TRACE}-${SPAN}-01`, "version ff"],
    [`00-${"0".repeat(32)}-${SPAN}-01`, "all-zero trace id"],
    [`00-${TRACE}-${"0".repeat(16)}-01`, "all-zero span id"],
    [`00-${TRACE.toUpperCase()}-${SPAN}-01`, "upper-case hex"],
    [`00-${TRACE.slice(1)}-${SPAN}-01`, "short trace id"],
  ])("invalid: %s (%s)", (header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });

  test("format is the inverse of parse", () => {
    expect(formatTraceparent({ traceId: TRACE, spanId: SPAN, flags: 1 })).toBe(`00-${TRACE}-${SPAN}-01`);
  });
});

describe("trace context of a new execution", () => {
  test("X-Trace-Id is derived from traceparent when the caller sent none", () => {
    const trace: TraceContext = { traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: "vendor=1" };
    normalizeTraceContext(trace);
    expect(trace).toEqual({ traceId: TRACE, traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: "vendor=1" });
  });

  test("a caller's own X-Trace-Id wins", () => {
    const trace = { traceId: "abc", traceparent: `00-${TRACE}-${SPAN}-01` };
    normalizeTraceContext(trace);
    expect(trace.traceId).toBe("abc");
  });

  test("an invalid traceparent is dropped with its tracestate; X-Trace-Id is kept", () => {
    const trace: Record<string, string | undefined> = { traceId: "abc", traceparent: "garbage", tracestate: "a=b" };
    normalizeTraceContext(trace);
    expect(trace).toEqual({ traceId: "abc", traceparent: undefined, tracestate: undefined });
  });

  test("tracestate without traceparent is dropped", () => {
    const trace: Record<string, string | undefined> = { tracestate: "a=b" };
    normalizeTraceContext(trace);
    expect(trace.tracestate).toBeUndefined();
  });

  test("traceIdOf (access log): header first, else traceparent's trace-id", () => {
    expect(traceIdOf("abc", `00-${TRACE}-${SPAN}-01`)).toBe("abc");
    expect(traceIdOf(null, `00-${TRACE}-${SPAN}-01`)).toBe(TRACE);
    expect(traceIdOf(" ", "bad")).toBeUndefined();
  });
});
