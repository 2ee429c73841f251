import { describe, expect, test } from "bun:test";
import { Buckets } from "./metric-family";
import { QUANTILE_WINDOW_MS, quantileOf, SNAPSHOT_STEP_MS, WindowQuantiles } from "./window-quantiles";

const BOUNDS = [0.01, 0.1, 1];

describe("quantileOf (histogram_quantile's interpolation)", () => {
  test.each([
    [[10, 0, 0, 0], 0.5, 0.005],
    [[0, 10, 0, 0], 0.5, 0.055],
    [[50, 45, 5, 0], 0.95, 0.1],
    [[50, 45, 4, 1], 0.99, 1],
    [[0, 0, 0, 0], 0.99, 0],
  ])("counts %p, q=%p → %p", (counts, q, expected) => {
    expect(quantileOf(Float64Array.from(counts), BOUNDS, q)).toBeCloseTo(expected, 9);
  });
});

describe("WindowQuantiles", () => {
  test("describes the last ~2 minutes, not the lifetime", () => {
    const buckets = new Buckets(BOUNDS);
    const window = new WindowQuantiles(buckets);
    for (let i = 0; i < 100; i++) buckets.observe(0.5); // slow period
    expect(window.quantiles(0)[0]).toBeGreaterThan(0.1);
    let now = 0;
    // Scrapes every 15 s while the function turns fast; the slow period leaves the window.
    for (; now <= QUANTILE_WINDOW_MS + 2 * SNAPSHOT_STEP_MS; now += 15_000) {
      for (let i = 0; i < 10; i++) buckets.observe(0.005);
      window.quantiles(now);
    }
    const [p50, p95, p99] = window.quantiles(now);
    expect(p50).toBeLessThanOrEqual(0.01);
    expect(p95).toBeLessThanOrEqual(0.01);
    expect(p99).toBeLessThanOrEqual(0.01);
  });

  test("an idle window reports 0; memory stays bounded", () => {
    const buckets = new Buckets(BOUNDS);
    const window = new WindowQuantiles(buckets);
    buckets.observe(0.05);
    for (let now = 0; now < 10 * QUANTILE_WINDOW_MS; now += 1000) window.quantiles(now);
    expect(window.quantiles(10 * QUANTILE_WINDOW_MS)).toEqual([0, 0, 0]);
    expect((window as unknown as { snapshots: unknown[] }).snapshots.length).toBeLessThanOrEqual(
      QUANTILE_WINDOW_MS / SNAPSHOT_STEP_MS + 2,
    );
  });
});
