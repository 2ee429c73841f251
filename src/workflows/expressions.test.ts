import { describe, expect, test } from "bun:test";
import { ExpressionError, evaluate, parseExpression, parseReference, referencesOf } from "./expressions";
import { compileMapping } from "./mapping";

const scope = {
  input: { mode: "full", n: 3, tags: ["a", "b"], "odd key": 1 },
  steps: {
    validate: { status: "success", output: { valid: true, errors: [] } },
    load: { status: "skipped", output: null },
  },
};
const run = (src: string) => evaluate(parseExpression(src), scope);

describe("references", () => {
  test("dot names, indexes and quoted keys; a missing part is null", () => {
    expect(parseReference("$.input.tags[1]")).toEqual(["input", "tags", 1]);
    expect(run("$.input.tags[1]")).toBe("b");
    expect(run("$['input']['odd key']")).toBe(1);
    expect(run("$.steps.validate.output.valid")).toBe(true);
    expect(run("$.input.nothing.deeper")).toBeNull();
    expect(run("$.input.tags.length")).toBeNull();
    expect(run("$")).toEqual(scope);
  });

  test("malformed references say where", () => {
    expect(() => parseReference("$.")).toThrow(/expected a name after '.' at position 2/);
    expect(() => parseReference("$.a[x]")).toThrow(/expected \[number\] or \['name'\] at position 3/);
    expect(() => parseReference("$.a b")).toThrow(ExpressionError);
    expect(() => parseReference("input.a")).toThrow(/starts with '\$'/);
  });
});

describe("conditions", () => {
  test("comparisons, logic, precedence and literals", () => {
    expect(run("$.input.mode == 'full'")).toBe(true);
    expect(run('$.input.mode != "full"')).toBe(false);
    expect(run("$.input.n > 2 && $.input.n <= 3")).toBe(true);
    expect(run("$.input.n < 2 || $.steps.validate.output.valid")).toBe(true);
    expect(run("!$.steps.validate.output.valid || $.input.n == 3")).toBe(true);
    expect(run("!($.input.n == 3 && false)")).toBe(true);
    expect(run("true || false && false")).toBe(true);
    expect(run("$.steps.load.status == 'skipped'")).toBe(true);
    expect(run("$.steps.validate.output.errors == null")).toBe(false);
    expect(run("$.input.n >= -1.5e0")).toBe(true);
    expect(run("$.input.mode > 3")).toBe(false); // no ordering across types
    expect(run("$.input.missing == null")).toBe(true);
  });

  test("syntax errors name the position and the token", () => {
    expect(() => parseExpression("$.input.n ==")).toThrow(/expected a value at the end/);
    expect(() => parseExpression("($.input.n == 1")).toThrow(/expected '\)' at the end/);
    expect(() => parseExpression("$.input.n = 1")).toThrow(/unexpected '=' at position 10/);
    expect(() => parseExpression("'open")).toThrow(/unterminated string at position 0/);
    expect(() => parseExpression("maybe")).toThrow(/expected a value at position 0, found 'maybe'/);
    expect(() => parseExpression("1 2")).toThrow(/unexpected token at position 2/);
  });

  test("referencesOf lists every path", () => {
    const refs = referencesOf(parseExpression("$.a.b == 1 && !($.steps.x.output || $.c)"));
    expect(refs).toEqual([["a", "b"], ["steps", "x", "output"], ["c"]]);
  });
});

describe("mappings", () => {
  test("strings starting with $ are references, $$ escapes, everything else is literal", () => {
    const map = compileMapping({ rows: "$.input.tags", price: "$$5", nested: [{ v: "$.input.n" }, 7, null], s: "x" });
    expect(map(scope)).toEqual({ rows: ["a", "b"], price: "$5", nested: [{ v: 3 }, 7, null], s: "x" });
  });

  test("a bad reference names its JSON location", () => {
    expect(() => compileMapping({ a: [1, "$.x["] })).toThrow(/a\[1\]: '\$\.x\[': expected/);
  });
});
