import { describe, expect, test } from "bun:test";
import { FunctionSpec } from "../domain/function-spec";
import { resolveFunction } from "../domain/resolved-function";
import { FunctionQueue, MIN_THROUGHPUT_SAMPLES } from "./function-queue";

const fn = resolveFunction(FunctionSpec.parse({ name: "f", executionMode: "LOCAL" }), { timeoutMs: 30_000, concurrency: 4, queueSize: 100, maxRetries: 3 });

/** A queue with `samples` one-second completions recorded at t = 0..samples-1 s. */
function withHistory(samples: number, minSamples?: number): FunctionQueue {
  const queue = new FunctionQueue(fn, 30_000, minSamples);
  for (let i = 0; i < samples; i++) queue.throughput.record(i * 1000);
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
