import { describe, expect, test } from "bun:test";
import { cell, parseFormat, render, table } from "./output";

describe("output", () => {
  test("table aligns columns, shows '-' for missing values and cuts long cells", () => {
    expect(
      table(
        ["A", "LONGER"],
        [
          ["x", null],
          ["yyyy", { k: 1 }],
        ],
      ),
    ).toBe('A     LONGER\nx     -\nyyyy  {"k":1}\n');
    expect(table(["A"], [["a".repeat(80)]], 10)).toBe(`A\n${"a".repeat(9)}…\n`);
    expect(table(["A", "B"], [["x", "y"]], 60, [4])).toBe("A     B\nx     y\n");
  });

  test("cells: strings verbatim, other values as JSON", () => {
    expect([cell("s"), cell(1), cell(true), cell([1]), cell(undefined), cell("")]).toEqual([
      "s",
      "1",
      "true",
      "[1]",
      "-",
      "-",
    ]);
  });

  test("json is pretty, yaml comes from the yaml package", async () => {
    expect(await render("json", { a: 1 }, () => "")).toBe('{\n  "a": 1\n}\n');
    expect(await render("yaml", { a: [1] }, () => "")).toBe("a:\n  - 1\n");
    expect(await render("table", { a: 1 }, () => "T\n")).toBe("T\n");
  });

  test("--output accepts table, json, yaml only", () => {
    expect(parseFormat(undefined)).toBeUndefined();
    expect(parseFormat("yaml")).toBe("yaml");
    expect(() => parseFormat("xml")).toThrow("--output must be one of table, json, yaml (got 'xml')");
  });
});
