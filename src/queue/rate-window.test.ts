import { describe, expect, test } from "bun:test";
import { RateWindow } from "./rate-window";

describe("RateWindow", () => {
  test("no history → 0 events per second", () => {
    expect(new RateWindow(30_000).perSecond(1_000_000)).toBe(0);
  });

  test("rate over the window once it has filled", () => {
    const w = new RateWindow(10_000);
    for (let t = 0; t < 20_000; t += 100) w.record(1_000_000 + t); // 10 per second for 20 s
    expect(w.perSecond(1_020_000)).toBeCloseTo(10, 0);
    expect(w.countInWindow(1_020_000)).toBeWithin(99, 101); // the oldest bucket sits on the window edge
  });

  test("a young function is judged over its own lifetime, not 30 s of silence", () => {
    const w = new RateWindow(30_000);
    for (let t = 0; t < 1000; t += 10) w.record(5_000_000 + t); // 100 per second for 1 s
    expect(w.perSecond(5_001_000)).toBeCloseTo(100, -1);
  });

  test("events older than the window stop counting", () => {
    const w = new RateWindow(1000);
    for (let t = 0; t < 500; t += 10) w.record(t + 10_000);
    expect(w.countInWindow(10_500)).toBe(50);
    expect(w.countInWindow(12_000)).toBe(0);
    expect(w.perSecond(12_000)).toBe(0);
  });
});
