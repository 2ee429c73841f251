import { describe, expect, test } from "bun:test";
import { SOLE_REPLICA, shareOf } from "./replica-share";

describe("shareOf", () => {
  test("one replica keeps the whole limit", () => {
    expect(shareOf(7, SOLE_REPLICA)).toBe(7);
  });

  test.each([
    [10, 3],
    [4, 4],
    [7, 2],
    [100, 7],
  ])("%i split over %i replicas sums to the limit exactly", (total, count) => {
    const parts = Array.from({ length: count }, (_, rank) => shareOf(total, { count, rank }));
    expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
    expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
  });

  test("a limit below the number of replicas still leaves each replica 1", () => {
    expect(Array.from({ length: 3 }, (_, rank) => shareOf(2, { count: 3, rank }))).toEqual([1, 1, 1]);
  });
});
