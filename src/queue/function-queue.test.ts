import { describe, expect, test } from "bun:test";
import { FunctionSpec } from "../domain/function-spec";
import { resolveFunction } from "../domain/resolved-function";
import { ExecutionRecord } from "../execution/execution-record";
import { FunctionQueue, MIN_THROUGHPUT_SAMPLES } from "./function-queue";

const fn = (concurrency = 4) =>
  resolveFunction(FunctionSpec.parse({ name: "f", executionMode: "LOCAL", concurrency }), {
    timeoutMs: 30_000,
    concurrency: 4,
    queueSize: 100,
    maxRetries: 3,
  });

/** One attempt through the queue's own slot accounting: dispatched at `end - durationMs`, settled at `end`. */
function runAttempt(queue: FunctionQueue, end: number, durationMs: number): void {
  const record = new ExecutionRecord(`e${end}`, queue.fn, { input: null }, "async", {}, undefined, 0);
  record.settleAttempt(queue.acquireSlot(record, end - durationMs), end);
}

/** A queue with `samples` attempts of `durationMs` finished at t = 0, 1, 2 … s. */
function withHistory(samples: number, minSamples?: number, durationMs = 100, concurrency = 4): FunctionQueue {
  const queue = new FunctionQueue(fn(concurrency), 30_000, minSamples);
  for (let i = 0; i < samples; i++) runAttempt(queue, i * 1000, durationMs);
  expect(queue.inFlight).toBe(0);
  return queue;
}

describe("estimatedWaitMs history threshold (SYNC_QUEUE_PER_FUNCTION_MIN_SAMPLES)", () => {
  test("below the threshold the estimate is 0 (only the lane capacity limits admission)", () => {
    expect(withHistory(MIN_THROUGHPUT_SAMPLES - 1).estimatedWaitMs(5, 9000)).toBe(0);
    expect(withHistory(MIN_THROUGHPUT_SAMPLES).estimatedWaitMs(5, 9000)).toBeGreaterThan(0);
  });

  test("the setting moves the threshold", () => {
    expect(withHistory(2, 3).estimatedWaitMs(5, 2000)).toBe(0);
    expect(withHistory(3, 3).estimatedWaitMs(5, 2000)).toBeGreaterThan(0);
    expect(withHistory(20, 50).estimatedWaitMs(5, 20_000)).toBe(0);
  });
});

describe("estimatedWaitMs from service time (issue 15.8)", () => {
  test("items ahead × mean attempt duration ÷ slots", () => {
    expect(withHistory(20, 10, 100, 4).estimatedWaitMs(8, 20_000)).toBeCloseTo(200, 9);
    expect(withHistory(20, 10, 100, 1).estimatedWaitMs(8, 20_000)).toBeCloseTo(800, 9);
  });

  test("does not depend on how often the function is called (demand), only on how fast it answers", () => {
    const sparse = new FunctionQueue(fn(), 30_000);
    const dense = new FunctionQueue(fn(), 30_000);
    for (let i = 0; i < 15; i++) runAttempt(sparse, i * 2000, 20); // one call every 2 s
    for (let i = 0; i < 1500; i++) runAttempt(dense, i * 20, 20); // 50 calls a second
    expect(sparse.estimatedWaitMs(8, 30_000)).toBeCloseTo(dense.estimatedWaitMs(8, 30_000), 9);
    expect(sparse.estimatedWaitMs(8, 30_000)).toBeCloseTo(40, 9);
  });
});
