import { expect, test } from "bun:test";
import { parseLine } from "./pod-logs";

test.each([
  ["2026-12-04T14:00:00.123456789Z hello", "2026-12-04T14:00:00.123Z", "hello"],
  ["2026-12-04T14:00:00.1Z short fraction", "2026-12-04T14:00:00.100Z", "short fraction"],
  ["2026-12-04T14:00:00Z no fraction", "2026-12-04T14:00:00.000Z", "no fraction"],
  ["2026-12-04T14:00:00.5Z ", "2026-12-04T14:00:00.500Z", ""],
])("a timestamped pods/log line: %p", (text, time, message) => {
  expect(parseLine("f", "fn-f-1", text)).toEqual({ time, function: "f", replica: "fn-f-1", stream: "stdout", message });
});

test("execution tags are read from the message after the timestamp", () => {
  expect(parseLine("f", "p", "2026-12-04T14:00:00.000000001Z [exec e-1 trace t] hi")).toMatchObject({
    executionId: "e-1",
    traceId: "t",
    message: "hi",
  });
});

test("a line without a timestamp is kept whole, at the time it was read", () => {
  const before = Date.now();
  const line = parseLine("f", "p", "not-a-time message");
  expect(line.message).toBe("not-a-time message");
  expect(Date.parse(line.time)).toBeGreaterThanOrEqual(before - 1);
});
