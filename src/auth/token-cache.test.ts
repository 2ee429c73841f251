import { describe, expect, test } from "bun:test";
import { TokenCache } from "./token-cache";

describe("TokenCache", () => {
  test("an entry is answered until its instant, never at or after it", () => {
    const cache = new TokenCache<string>(4);
    cache.set("t", "alice", 1_000, 1, 0);
    expect(cache.get("t", 999)?.value).toBe("alice");
    expect(cache.get("t", 1_000)).toBeUndefined();
    // Gone for good, not only hidden.
    expect(cache.size).toBe(0);
    expect(cache.get("t", 0)).toBeUndefined();
  });

  test("an entry already expired when given is not stored (a token inside the clock skew)", () => {
    const cache = new TokenCache<string>(4);
    cache.set("t", "alice", 500, 1, 500);
    expect(cache.size).toBe(0);
  });

  test("bounded: never more than capacity entries; the oldest goes first", () => {
    const cache = new TokenCache<number>(3);
    for (let i = 0; i < 10; i++) {
      cache.set(`t${i}`, i, 1e9, 1, 0);
      expect(cache.size).toBeLessThanOrEqual(3);
    }
    expect(["t7", "t8", "t9"].map((t) => cache.get(t, 0)?.value)).toEqual([7, 8, 9]);
    expect(cache.get("t6", 0)).toBeUndefined();
  });

  test("a token in use survives a flood of new tokens (LRU within a factor of two)", () => {
    const cache = new TokenCache<string>(8);
    cache.set("hot", "h", 1e9, 1, 0);
    cache.set("cold", "c", 1e9, 1, 0);
    for (let i = 0; i < 100; i++) {
      cache.set(`flood${i}`, "f", 1e9, 1, 0);
      // Used once every two insertions: well within capacity / 2.
      if (i % 2 === 0) expect(cache.get("hot", 0)?.value).toBe("h");
    }
    expect(cache.get("hot", 0)?.value).toBe("h");
    expect(cache.get("cold", 0)).toBeUndefined();
    expect(cache.size).toBe(8);
  });

  test("set replaces an entry (new instant and key generation); delete removes it", () => {
    const cache = new TokenCache<string>(2);
    cache.set("t", "a", 100, 1, 0);
    cache.set("t", "b", 200, 2, 0);
    expect(cache.get("t", 150)).toMatchObject({ value: "b", keysGeneration: 2 });
    expect(cache.size).toBe(1);
    cache.delete("t");
    expect(cache.get("t", 0)).toBeUndefined();
  });

  test("capacity must be a positive integer", () => {
    expect(() => new TokenCache(0)).toThrow();
    expect(() => new TokenCache(1.5)).toThrow();
  });
});
