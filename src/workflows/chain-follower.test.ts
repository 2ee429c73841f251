import { expect, test } from "bun:test";
import { chainDepth } from "./chain-follower";

const lineage = { parentExecutionId: "p", rootExecutionId: "r" };
const at = (metadata: Record<string, string> | null, linked = true) => ({
  lineage: linked ? lineage : null,
  request: { input: null, metadata },
});

test("chainDepth: an execution nobody chained is 1, whatever metadata the client sent", () => {
  expect(chainDepth(at({ "chain-depth": "-50" }, false))).toBe(1);
  expect(chainDepth(at({ "chain-depth": "0" }, false))).toBe(1);
  expect(chainDepth(at(null, false))).toBe(1);
});

test("chainDepth: a chained step's metadata counts; unreadable values count as 1", () => {
  expect(chainDepth(at({ "chain-depth": "3" }))).toBe(3);
  // above the limit stays above it (the setting may have been lowered since): the guard stops it
  expect(chainDepth(at({ "chain-depth": "500" }))).toBe(500);
  for (const text of ["-2", "0", "1e3", "abc", "9999999999"]) expect(chainDepth(at({ "chain-depth": text }))).toBe(1);
  // a DLQ replay of a step that nobody chained: linked, no depth
  expect(chainDepth(at({}))).toBe(1);
});
