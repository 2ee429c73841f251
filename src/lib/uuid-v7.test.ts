import { expect, test } from "bun:test";
import { portableUuidV7, uuidV7 } from "./uuid-v7";

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test("the portable generator (Deno, Node) makes version-7 UUIDs that carry the current millisecond", () => {
  const before = Date.now();
  const id = portableUuidV7();
  const after = Date.now();
  expect(id).toMatch(V7);
  const ms = Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16);
  expect(ms).toBeGreaterThanOrEqual(before);
  expect(ms).toBeLessThanOrEqual(after);
});

test("ids from both generators are distinct and sort by creation time across milliseconds", async () => {
  for (const make of [uuidV7, portableUuidV7]) {
    const first = make();
    await Bun.sleep(2);
    const second = make();
    expect(second).toMatch(V7);
    expect(first < second).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, make)).size).toBe(1000);
  }
});
