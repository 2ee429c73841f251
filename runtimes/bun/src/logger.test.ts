import { expect, test } from "bun:test";
import { createLogger } from "./logger.ts";

test("each call writes one JSON line with level, message, base fields and extra fields", () => {
  const lines: string[] = [];
  createLogger((l) => lines.push(l), { executionId: "e1", traceId: "t1" }).warn("careful", { attempt: 2 });
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0]!)).toEqual({
    timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    level: "warn",
    message: "careful",
    executionId: "e1",
    traceId: "t1",
    attempt: 2,
  });
});

test("unserialisable fields degrade to a marker instead of throwing", () => {
  const lines: string[] = [];
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  createLogger((l) => lines.push(l), { executionId: "e1" }).info("odd", { circular });
  expect(JSON.parse(lines[0]!)).toMatchObject({ message: "odd", executionId: "e1", logError: "unserialisable fields" });
});
