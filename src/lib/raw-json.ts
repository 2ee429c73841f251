/**
 * @module
 * User data (an invocation's input, a function's output) kept as the JSON text it arrived as, so
 * it leaves byte for byte as it came in: `12345678901234567890`, `7.0` and `1.5e3` stay as written
 * (JSON.parse + JSON.stringify would give `12345678901234567000`, `7` and `1500`). Bodies that carry
 * it are built by splicing `text` in (see `jsonText`), never by re-serialising a parsed value.
 */

/** A JSON value as text. Only build one from text that JSON.parse accepted (or that we wrote). */
export class RawJson {
  constructor(readonly text: string) {}

  /**
   * For a generic JSON.stringify that meets one anyway: a primitive stays exact (JSON.rawJSON),
   * an object or array is re-serialised from a parse (valid, but numbers may be rewritten).
   */
  toJSON(): unknown {
    const first = this.text.charCodeAt(0);
    if (first !== 0x7b && first !== 0x5b && typeof JSONWithRaw.rawJSON === "function")
      return JSONWithRaw.rawJSON(this.text);
    return JSON.parse(this.text);
  }
}

// JSON.rawJSON (TC39 "JSON.parse source text access") is in Bun, Deno and Node ≥ 21 but not in lib.d.ts yet.
const JSONWithRaw = JSON as unknown as { rawJSON?: (text: string) => unknown };

/** The JSON text of a value that may already be raw. */
export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  return JSON.stringify(value) ?? "null";
}
