import { describe, expect, test } from "bun:test";
import { resolveFunction } from "../domain/resolved-function";
import { row } from "../store/core-rows.contract";
import { createMemoryStore } from "../store/memory/memory-store";
import type { ExecutionRecord } from "./execution-record";
import { recoverExecutions } from "./recovery";

const echo = resolveFunction(
  { name: "echo", executionMode: "LOCAL" },
  { timeoutMs: 30_000, concurrency: 4, queueSize: 100, maxRetries: 3 },
);

function recover(rows: Parameters<typeof recoverExecutions>[0]) {
  const resumed: ExecutionRecord[] = [];
  const target = {
    functionNamed: (name: string) => (name === "echo" ? echo : undefined),
    resume: (r: ExecutionRecord) => void resumed.push(r),
  };
  const summary = recoverExecutions(rows, target, createMemoryStore().executions, 5_000);
  return { resumed, summary };
}

describe("start-up recovery of async executions", () => {
  test("a queued replay keeps its link to the execution it replays and to the root of the chain", () => {
    const { resumed } = recover([row("replay-2", { parentExecutionId: "replay-1", rootExecutionId: "original" })]);
    expect(resumed.map((r) => r.lineage)).toEqual([{ parentExecutionId: "replay-1", rootExecutionId: "original" }]);
  });

  test("an execution that replays nothing has no lineage; one that was running becomes a new attempt", () => {
    const { resumed, summary } = recover([row("plain", { status: "running", attempts: 1 })]);
    expect(resumed.map((r) => [r.lineage, r.attempt])).toEqual([[null, 2]]);
    expect(summary).toEqual({ requeued: 0, retried: 1, restartedSync: 0, orphaned: 0 });
  });
});
