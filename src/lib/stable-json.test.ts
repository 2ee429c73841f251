import { expect, test } from "bun:test";
import { stableJson } from "./stable-json";

test.each([
  [{ b: 1, a: { d: [{ y: 1, x: 2 }], c: null } }, '{"a":{"c":null,"d":[{"x":2,"y":1}]},"b":1}'],
  [{ a: undefined, b: 2 }, '{"b":2}'],
  [[3, "x", true], '[3,"x",true]'],
  ["s", '"s"'],
])("stableJson(%j)", (value, expected) => {
  expect(stableJson(value)).toBe(expected);
});

test("objects that differ only in key order compare equal", () => {
  expect(stableJson({ x: 1, y: { p: 1, q: 2 } })).toBe(stableJson({ y: { q: 2, p: 1 }, x: 1 }));
});
