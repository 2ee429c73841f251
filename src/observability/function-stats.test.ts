import { describe, expect, test } from "bun:test";
import type { ResolvedFunction } from "../domain/resolved-function";
import { FunctionMeters } from "./function-meters";
import { FunctionStatsWindow, STATS_STEP_MS, STATS_WINDOW_MS } from "./function-stats";
import type { QueueGaugeSource } from "./metrics";

function setup() {
  let now = 1_000_000;
  const window = new FunctionStatsWindow(() => now);
  const meters = new FunctionMeters({ name: "f" } as ResolvedFunction);
  const queue: QueueGaugeSource = { sync: { size: 2 }, async: { size: 5 }, inFlight: 3, limit: 4 };
  const read = () => window.read([meters], new Map([["f", queue]]))[0]!;
  const end = (ok: boolean, seconds: number) => {
    if (ok) meters.succeeded++;
    else meters.failed++;
    meters.latency.observe(seconds);
  };
  return { read, end, advance: (ms: number) => (now += ms) };
}

describe("the console's recent per-function figures", () => {
  test("the first read counts everything since registration, with the queue gauges", () => {
    const { read, end } = setup();
    for (let i = 0; i < 9; i++) end(true, 0.004);
    end(false, 0.2);
    expect(read()).toEqual({
      function: "f",
      inFlight: 3,
      concurrencyLimit: 4,
      queueDepth: 5,
      syncQueueDepth: 2,
      windowSeconds: STATS_WINDOW_MS / 1000,
      completed: 10,
      errors: 1,
      errorRate: 0.1,
      p50Ms: expect.any(Number),
      p99Ms: expect.any(Number),
    });
    const { p50Ms, p99Ms } = read();
    // 9 of 10 in the 2.5–5 ms bucket, the slowest in 100–250 ms: p50 in the first, p99 in the second.
    expect(p50Ms!).toBeGreaterThan(2.5);
    expect(p50Ms!).toBeLessThanOrEqual(5);
    expect(p99Ms!).toBeGreaterThan(100);
    expect(p99Ms!).toBeLessThanOrEqual(250);
  });

  test("an idle function has no latency and a zero error rate", () => {
    const { read } = setup();
    expect(read()).toMatchObject({ completed: 0, errors: 0, errorRate: 0, p50Ms: null, p99Ms: null });
  });

  test("executions older than the window drop out once it has slid past them", () => {
    const { read, end, advance } = setup();
    end(false, 1);
    end(false, 1);
    // Watched all along (the console polls): a snapshot each step.
    for (let t = 0; t < STATS_WINDOW_MS; t += STATS_STEP_MS) {
      read();
      advance(STATS_STEP_MS);
    }
    end(true, 0.002);
    advance(STATS_STEP_MS);
    const now = read();
    expect(now.completed).toBe(1);
    expect(now.errors).toBe(0);
    expect(now.p99Ms!).toBeLessThanOrEqual(2.5);
  });

  test("within the window the old executions still count", () => {
    const { read, end, advance } = setup();
    read();
    end(false, 1);
    advance(STATS_WINDOW_MS / 2);
    read();
    end(true, 1);
    advance(STATS_STEP_MS);
    expect(read()).toMatchObject({ completed: 2, errors: 1, errorRate: 0.5 });
  });
});
