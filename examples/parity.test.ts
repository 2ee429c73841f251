/**
 * Awkward inputs with no hand-written expectation: the TypeScript and Python handlers must give
 * the same JSON document for each. Inputs are JSON texts so that values like 1e400 (Infinity)
 * reach both languages the way a request body would.
 */
import { describe, expect, test } from "bun:test";
import { type Family, runPython, runTypeScript } from "./harness/payloads.ts";

const CASES: Record<Family, string[]> = {
  "word-stats": [
    '{"text":"Ωmega ΣΊΣΥΦΟΣ straße İstanbul DŽungla"}',
    // Fullwidth ａ (U+FF41) sorts before 𝐚 (U+1D41A) by code point but after it by UTF-16 unit.
    '{"text":"𝐚𝐚 ａａ","topN":5}',
    '{"text":"a1 1a ٣ ½ Ⅻ x_y co-op"}',
    '{"text":"x y","topN":1e400}',
    '{"text":"x y z","topN":2.9}',
    '{"text":"x y z","topN":-3}',
    '{"text":"one two three","topN":"2"}',
    '{"text":"aaa b","topN":true}',
    '{"text":"a\\u0000b\\u001cc\\u00a0d\\ufeffe"}',
    '{"text":"\\u3000\\u2028"}',
    '{"text":"ab abc abcd abcde abcdef abcdefg"}',
    '"   "',
    "null",
    "[1]",
    "42",
    '{"text":5}',
  ],
  "json-transform": [
    JSON.stringify({
      data: [
        10,
        9,
        "a",
        1.5,
        1e21,
        1e-7,
        -0,
        true,
        null,
        { x: 1, 2: 0 },
        [1, "a"],
        "__proto__",
        "4294967295",
        "4294967294",
        "07",
      ].map((k) => ({ k })),
      groupBy: "k",
    }),
    '{"data":[{"k":9007199254740993},{"k":1e-7},{"k":123456789.125}],"groupBy":"k"}',
    '{"data":[{"g":"a","v":0.1},{"g":"a","v":0.2},{"g":"b","v":1},{"g":"b","v":2},{"g":"b","v":2}],"groupBy":"g","operation":"sum","valueField":"v"}',
    '{"data":[{"g":"a","v":1},{"g":"a","v":2},{"g":"a","v":2}],"groupBy":"g","operation":"avg","valueField":"v"}',
    '{"data":[{"g":"a","v":9007199254740993},{"g":"a","v":1}],"groupBy":"g","operation":"sum","valueField":"v"}',
    '{"data":[{"g":"a","v":-0},{"g":"a","v":0},{"g":"a","v":-5.5}],"groupBy":"g","operation":"max","valueField":"v"}',
    '{"data":[{"g":"a","v":-0},{"g":"a","v":3},{"g":"a","v":-5.5}],"groupBy":"g","operation":"min","valueField":"v"}',
    '{"data":[{"g":"a","v":"x"},{"g":"a","v":null},{"g":"a","v":true}],"groupBy":"g","operation":"sum","valueField":"v"}',
    '{"data":[1,"x",null,[]],"groupBy":"g"}',
    '{"data":[{"":1}],"groupBy":""}',
    '{"data":[],"groupBy":"g","operation":"sum","valueField":5}',
    '{"data":[],"groupBy":"g","operation":5}',
    '{"data":{},"groupBy":"g"}',
    '{"data":[{"g":"a"}],"groupBy":"g","operation":"MEDIAN","valueField":"v"}',
    "null",
    "[]",
  ],
  "roman-numeral": [
    '{"number":1e300}',
    '{"number":-1e300}',
    '{"number":1e21}',
    '{"number":123456789012345678901234567890}',
    '{"number":3999.999}',
    '{"number":0.5}',
    '{"number":-0.5}',
    '{"number":true}',
    '{"number":"42"}',
    '{"number":1e400}',
    '{"number":[5]}',
    '{"Number":5}',
    '"XLII"',
    "null",
  ],
};

for (const [family, inputs] of Object.entries(CASES) as [Family, string[]][]) {
  describe(`${family} parity`, async () => {
    const [ts, py] = await Promise.all([runTypeScript(family, inputs), runPython(family, inputs)]);
    inputs.forEach((input, i) => {
      test(input, () => {
        expect(JSON.stringify(JSON.parse(py[i]!))).toBe(ts[i]!);
      });
    });
  });
}
