import { expect, test } from "bun:test";
import { createColdStart } from "./cold-start.ts";

test("the headers are handed out once, with the first ready time", () => {
  const cold = createColdStart();
  expect(cold.take()).toBeUndefined();
  cold.markReady(41.6);
  cold.markReady(99);
  expect(cold.take()).toEqual({ "X-Cold-Start": "true", "X-Init-Duration-Ms": "42" });
  expect(cold.take()).toBeUndefined();
});
