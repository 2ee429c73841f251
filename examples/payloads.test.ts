/**
 * Every payload through both implementations of every example: each output must equal
 * `expected`, and the two languages must produce the same JSON (same keys, same order).
 */
import { describe, expect, test } from "bun:test";
import { FAMILIES, loadPayloads, runPython, runTypeScript } from "./harness/payloads.ts";

for (const family of FAMILIES) {
  describe(family, async () => {
    const payloads = loadPayloads(family);
    const inputs = payloads.map((p) => JSON.stringify(p.input));
    const [ts, py] = await Promise.all([runTypeScript(family, inputs), runPython(family, inputs)]);

    test("has payloads", () => {
      expect(payloads.length).toBeGreaterThanOrEqual(8);
    });

    payloads.forEach((payload, i) => {
      test(`${payload.file}: ${payload.description}`, () => {
        expect(JSON.parse(ts[i]!)).toEqual(payload.expected);
        expect(JSON.parse(py[i]!)).toEqual(payload.expected);
        // Same document, key order included (numbers compared as values: 1.5 vs 1.50 do not matter).
        expect(JSON.stringify(JSON.parse(py[i]!))).toBe(ts[i]!);
      });
    });
  });
}
