import { expect, test } from "bun:test";
import { backoffDelay } from "./backoff";

test.each([
  [0, 100],
  [1, 200],
  [2, 400],
  [5, 3200],
  [6, 5000],
  [1000, 5000],
])("backoffDelay: after %p failures waits %p ms", (failures, expected) => {
  expect(backoffDelay(failures, { baseMs: 100, maxMs: 5000 })).toBe(expected);
});
