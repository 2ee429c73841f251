import { expect, test } from "bun:test";
import { outcomeFromOutput } from "./output.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

test.each([
  ['{"a":1}', '{"a":1}'],
  ["  [1, 2]\n", "[1, 2]"],
  ['"text"', '"text"'],
  ["12345678901234567890", "12345678901234567890"],
  ["", "null"],
  [" \n\t", "null"],
  ["null", "null"],
])("output %p is the success %p", (out, json) => {
  expect(outcomeFromOutput(bytes(out), "stdout")).toEqual({ ok: true, json });
});

test.each(["not json", '{"a":1}{"b":2}', "{", "1 2"])("output %p is INVALID_OUTPUT", (out) => {
  const outcome = outcomeFromOutput(bytes(out), "stdout");
  expect(!outcome.ok && [outcome.error.status, outcome.error.code]).toEqual([500, "INVALID_OUTPUT"]);
});

test("invalid UTF-8 is INVALID_OUTPUT, never silently replaced", () => {
  const outcome = outcomeFromOutput(new Uint8Array([0x22, 0xff, 0x22]), "stdout");
  expect(!outcome.ok && outcome.error.message).toBe("stdout is not valid UTF-8");
});

test("the error message stays short however long the bad output is", () => {
  const outcome = outcomeFromOutput(bytes(`x${"y".repeat(100_000)}`), "stdout");
  expect(!outcome.ok && outcome.error.message.length).toBeLessThan(400);
});
