import { describe, expect, test } from "bun:test";
import { pickRoute, slotOfKey, TABLE_SLOTS, type TrafficRoute } from "./traffic-route";

type Q = { fn: { name: string; version?: number } };
const own: Q = { fn: { name: "f", version: 2 } };
const canary: Q = { fn: { name: "f@v3", version: 3 } };
const route: TrafficRoute<Q> = {
  slots: Array.from({ length: TABLE_SLOTS }, (_, i) => (i < 90 ? own : canary)),
  byVersion: new Map([
    [2, own],
    [3, canary],
  ]),
};

describe("pickRoute", () => {
  test("without a split, the function itself; a pin to its active version too", () => {
    expect(pickRoute(own, undefined, undefined, undefined, Math.random)).toBe(own);
    expect(pickRoute(own, undefined, 2, undefined, Math.random)).toBe(own);
  });

  test("a pin to a version that does not run is 404", () => {
    expect(() => pickRoute(own, undefined, 3, undefined, Math.random)).toThrow(/not running/);
    expect(() => pickRoute(own, route, 1, undefined, Math.random)).toThrow(/not running/);
  });

  test("random calls follow the table; a pin wins over it", () => {
    expect(pickRoute(own, route, undefined, undefined, () => 0.899)).toBe(own);
    expect(pickRoute(own, route, undefined, undefined, () => 0.9)).toBe(canary);
    expect(pickRoute(own, route, 3, undefined, () => 0)).toBe(canary);
  });

  test("an Idempotency-Key always selects the same slot", () => {
    for (const key of ["a", "order-17", "ключ", ""]) {
      const first = pickRoute(own, route, undefined, key, Math.random);
      for (let i = 0; i < 5; i++) expect(pickRoute(own, route, undefined, key, Math.random)).toBe(first);
      expect(slotOfKey(key)).toBeGreaterThanOrEqual(0);
      expect(slotOfKey(key)).toBeLessThan(TABLE_SLOTS);
    }
  });

  test("keys spread over the slots (about 10 % of keys reach a 10 % version)", () => {
    let onCanary = 0;
    for (let i = 0; i < 10_000; i++) if (route.slots[slotOfKey(`key-${i}`)] === canary) onCanary++;
    expect(onCanary / 10_000).toBeGreaterThan(0.08);
    expect(onCanary / 10_000).toBeLessThan(0.12);
  });
});
