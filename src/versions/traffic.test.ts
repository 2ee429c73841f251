import { describe, expect, test } from "bun:test";
import { buildTable, checkTraffic, isWholeActive } from "./traffic";

const known = new Set([1, 2, 3]);

describe("checkTraffic", () => {
  test("a valid split comes back sorted by version; weight 0 is allowed", () => {
    expect(
      checkTraffic(
        [
          { version: 3, weight: 0 },
          { version: 2, weight: 10 },
          { version: 1, weight: 90 },
        ],
        known,
      ).map((t) => t.version),
    ).toEqual([1, 2, 3]);
  });

  test.each([
    ["empty", [], "traffic: must name at least one version"],
    ["sum below 100", [{ version: 1, weight: 90 }], "traffic: the weights sum to 90; they must sum to 100"],
    ["unknown version", [{ version: 9, weight: 100 }], "traffic[0].version: the function has no version 9"],
    [
      "duplicate",
      [
        { version: 1, weight: 50 },
        { version: 1, weight: 50 },
      ],
      "traffic[1].version: 1 is listed twice",
    ],
    ["weight above 100", [{ version: 1, weight: 101 }], "traffic[0].weight: must be an integer from 0 to 100"],
    [
      "negative weight",
      [
        { version: 1, weight: -1 },
        { version: 2, weight: 101 },
      ],
      "traffic[0].weight: must be an integer from 0 to 100",
    ],
    [
      "fractional weight",
      [
        { version: 1, weight: 99.5 },
        { version: 2, weight: 0.5 },
      ],
      "traffic[0].weight: must be an integer from 0 to 100",
    ],
    ["version 0", [{ version: 0, weight: 100 }], "traffic[0].version: must be an integer >= 1"],
  ])("%s is 400 naming the problem", (_, traffic, detail) => {
    try {
      checkTraffic(traffic, known);
      throw new Error("accepted");
    } catch (error) {
      expect(error).toMatchObject({ code: "VALIDATION_ERROR" });
      expect((error as { details: string[] }).details).toContain(detail);
    }
  });

  test("more than 10 versions is refused", () => {
    const many = Array.from({ length: 11 }, (_, i) => ({ version: i + 1, weight: i === 0 ? 90 : 1 }));
    expect(() => checkTraffic(many, new Set(many.map((t) => t.version)))).toThrow();
  });
});

test("buildTable fills 100 slots by weight, in version order", () => {
  const table = buildTable(
    [
      { version: 1, weight: 90 },
      { version: 2, weight: 10 },
    ],
    (v) => `v${v}`,
  );
  expect(table).toHaveLength(100);
  expect(table.filter((t) => t === "v2")).toHaveLength(10);
  expect(table[89]).toBe("v1");
  expect(table[90]).toBe("v2");
  expect(() => buildTable([{ version: 1, weight: 99 }], String)).toThrow();
});

test("isWholeActive: no split, or everything on the active version", () => {
  expect(isWholeActive(undefined, 2)).toBe(true);
  expect(isWholeActive([{ version: 2, weight: 100 }], 2)).toBe(true);
  expect(isWholeActive([{ version: 1, weight: 100 }], 2)).toBe(false);
});
