import { expect, test } from "bun:test";
import type { ExecutionRecord } from "../execution/execution-record";
import { chainDepth, chainFollower } from "./chain-follower";

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

test("a split version's execution (internal name f@v2) chains as its function, f", async () => {
  const calls: { name: string; metadata: unknown }[] = [];
  const outcomes: string[] = [];
  const follower = chainFollower({
    invoker: () => ({
      enqueue: async (name, request) => {
        calls.push({ name, metadata: request.metadata });
        return { executionId: "n1", status: "queued", output: null, error: null };
      },
    }),
    maxDepth: 10,
    metrics: { step: (fn, next, outcome) => outcomes.push(`${fn} ${next} ${outcome}`) },
  });
  const record = {
    id: "e1",
    fn: { name: "f@v2", versionOf: "f", chain: { next: "g", passOutput: true, onError: "stop" } },
    state: "success",
    output: { ok: true },
    error: null,
    request: { input: 1, metadata: null },
    lineage: null,
    trace: {},
  } as unknown as ExecutionRecord;
  follower.onFinished?.(record);
  await Bun.sleep(0);
  expect(calls).toEqual([{ name: "g", metadata: { "chain-from": "f", "chain-depth": "2" } }]);
  expect(outcomes).toEqual(["f g started"]);
});
