import { describe, expect, test } from "bun:test";
import { taggedLines } from "./capture.ts";

describe("taggedLines", () => {
  test("every line starts with the tag, however the chunks split the lines", () => {
    let out = "";
    const sink = taggedLines((chunk) => {
      out += new TextDecoder().decode(chunk);
    }, "[exec e1] ");
    const enc = new TextEncoder();
    for (const chunk of ["one\ntw", "o\n", "", "\nthr", "ee"]) sink(enc.encode(chunk));
    expect(out).toBe("[exec e1] one\n[exec e1] two\n[exec e1] \n[exec e1] three");
  });

  test("never splits a multi-byte character", () => {
    const chunks: Uint8Array[] = [];
    const sink = taggedLines((chunk) => chunks.push(chunk), "[exec e2] ");
    const bytes = new TextEncoder().encode("é\nü");
    sink(bytes.subarray(0, 1));
    sink(bytes.subarray(1));
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.byteLength;
    }
    expect(new TextDecoder().decode(all)).toBe("[exec e2] é\n[exec e2] ü");
  });
});
