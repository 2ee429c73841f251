import { describe, expect, test } from "bun:test";
import { FUNCTION_NAME_PATTERN, MAX_RESOURCE_NAME, resourceName } from "./object-name";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe("function names (reference rule ^[a-zA-Z][a-zA-Z0-9._-]{0,62}$, or a DNS label)", () => {
  test.each(["WordStats", "word_stats.v2", "a", "echo", "9lives", "x".repeat(63), "Trailing_", "a-b.c_D"])(
    "%s is accepted",
    (name) => {
      expect(FUNCTION_NAME_PATTERN.test(name)).toBe(true);
    },
  );
  test.each(["", "_x", ".x", "-x", "x".repeat(64), "9_lives", "a b", "a/b", "a:b", "é"])("%p is refused", (name) => {
    expect(FUNCTION_NAME_PATTERN.test(name)).toBe(false);
  });
});

describe("resourceName", () => {
  test("a short DNS label is kept as it is (existing objects keep their names)", () => {
    expect(resourceName("word-stats")).toBe("word-stats");
    expect(resourceName("9lives")).toBe("9lives");
  });

  test.each([
    ["WordStats", /^wordstats-[0-9a-f]{8}$/],
    ["word_stats.v2", /^word-stats-v2-[0-9a-f]{8}$/],
    ["Trailing_", /^trailing-[0-9a-f]{8}$/],
    ["x".repeat(61), /^x{51}-[0-9a-f]{8}$/],
  ])("%s → %s (altered: lower-cased, replaced, hashed)", (name, shape) => {
    expect(resourceName(name)).toMatch(shape);
  });

  test("every derived name is a DNS label of at most 60 characters, and deterministic", () => {
    for (const name of ["WordStats", "word_stats.v2", "A.B.C", "a--b", `${"Ab_".repeat(21)}`, "x".repeat(63)]) {
      const derived = resourceName(name);
      expect(derived).toMatch(DNS_LABEL);
      expect(derived.length).toBeLessThanOrEqual(MAX_RESOURCE_NAME);
      expect(resourceName(name)).toBe(derived);
    }
  });

  test("names that differ only in case or punctuation get different object names", () => {
    const names = ["WordStats", "wordstats", "wordStats", "word_stats", "word.stats", "word-stats", "Word-Stats"];
    expect(new Set(names.map(resourceName)).size).toBe(names.length);
  });

  test("a name that looks derived is altered too, so it cannot take another function's object name", () => {
    const derived = resourceName("WordStats");
    expect(FUNCTION_NAME_PATTERN.test(derived)).toBe(true);
    expect(resourceName(derived)).not.toBe(derived);
  });
});
