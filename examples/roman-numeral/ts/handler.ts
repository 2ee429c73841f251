/**
 * @module
 * roman-numeral: `{"number": 1..3999}` → `{"roman": "..."}`. Fractions are truncated (42.9 → XLII).
 * Domain errors are 200 outputs `{"error": "..."}`. The Python twin gives identical outputs.
 */
import type { Handler } from "../../../runtimes/bun/src/sdk.ts";

export type Roman = { roman: string } | { error: string };

const TABLE: [number, string][] = [
  [1000, "M"],
  [900, "CM"],
  [500, "D"],
  [400, "CD"],
  [100, "C"],
  [90, "XC"],
  [50, "L"],
  [40, "XL"],
  [10, "X"],
  [9, "IX"],
  [5, "V"],
  [4, "IV"],
  [1, "I"],
];

export function toRoman(n: number): string {
  let rest = n;
  let out = "";
  for (const [value, symbol] of TABLE) {
    while (rest >= value) {
      out += symbol;
      rest -= value;
    }
  }
  return out;
}

export function romanNumeral(input: unknown): Roman {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return { error: "Input must be a JSON object" };
  if (!Object.hasOwn(input, "number")) return { error: "missing required field: number" };
  const value = (input as { number: unknown }).number;
  if (typeof value !== "number" || !Number.isFinite(value)) return { error: "field 'number' must be an integer" };
  const n = Math.trunc(value);
  if (n < 1 || n > 3999) return { error: `number must be between 1 and 3999, got: ${n}` };
  return { roman: toRoman(n) };
}

const handler: Handler<unknown, Roman> = ({ input }) => romanNumeral(input);
export default handler;
