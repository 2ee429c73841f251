import { describe, expect, test } from "bun:test";
import { ServiceTimeWindow } from "./service-time-window";

describe("ServiceTimeWindow", () => {
  test("no history → count 0, mean 0", () => {
    const w = new ServiceTimeWindow(30_000);
    expect([w.count(1_000_000), w.meanMs(1_000_000)]).toEqual([0, 0]);
  });

  test("mean of the attempts finished within the window", () => {
    const w = new ServiceTimeWindow(10_000);
    for (let t = 0; t < 5000; t += 100) w.record(1_000_000 + t, t % 200 === 0 ? 10 : 30);
    expect(w.count(1_005_000)).toBe(50);
    expect(w.meanMs(1_005_000)).toBeCloseTo(20, 9);
  });

  test("attempts older than the window stop counting; negative durations count as 0", () => {
    const w = new ServiceTimeWindow(1000);
    for (let t = 0; t < 500; t += 10) w.record(t + 10_000, 40);
    w.record(10_500, -5);
    expect(w.count(10_600)).toBe(51);
    expect(w.meanMs(10_600)).toBeCloseTo((50 * 40) / 51, 9);
    expect(w.count(12_000)).toBe(0);
    expect(w.meanMs(12_000)).toBe(0);
  });
});
