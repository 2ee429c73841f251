import { describe, expect, test } from "bun:test";
import { LineSplitter, MAX_LINE_CHARS } from "../shared/line-splitter";
import { forwardLines } from "./line-forwarder";

describe("LineSplitter", () => {
  test("keeps a partial line until its newline arrives", () => {
    const splitter = new LineSplitter();
    expect(splitter.push("hel")).toEqual([]);
    expect(splitter.push("lo\nwor")).toEqual(["hello"]);
    expect(splitter.push("ld\n")).toEqual(["world"]);
    expect(splitter.end()).toEqual([]);
  });

  test("strips CR of CRLF and keeps empty lines", () => {
    expect(new LineSplitter().push("a\r\n\nb\n")).toEqual(["a", "", "b"]);
  });

  test("end() returns an unterminated last line", () => {
    const splitter = new LineSplitter();
    splitter.push("tail");
    expect(splitter.end()).toEqual(["tail"]);
  });

  test("cuts a line that never ends so memory stays bounded", () => {
    const splitter = new LineSplitter();
    const lines = splitter.push("x".repeat(MAX_LINE_CHARS * 2 + 5));
    expect(lines).toEqual(["x".repeat(MAX_LINE_CHARS), "x".repeat(MAX_LINE_CHARS)]);
    expect(splitter.end()).toEqual(["xxxxx"]);
  });
});

describe("forwardLines", () => {
  test("prefixes every line, including a multi-byte character split across chunks", async () => {
    const bytes = new TextEncoder().encode("première ligne\nzweite Zeile");
    const cut = 5; // inside the two-byte "è"
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, cut));
        controller.enqueue(bytes.slice(cut));
        controller.close();
      },
    });
    const seen: string[] = [];
    await forwardLines(stream, "[fn/a#0]", (line) => seen.push(line));
    expect(seen).toEqual(["[fn/a#0] première ligne", "[fn/a#0] zweite Zeile"]);
  });

  test("resolves (does not reject) when the stream errors", async () => {
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      // Error on the second read, after the first chunk was delivered (error() drops queued chunks).
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(new TextEncoder().encode("last words\n"));
        else controller.error(new Error("pipe broke"));
      },
    });
    const seen: string[] = [];
    await forwardLines(stream, "[p]", (line) => seen.push(line));
    expect(seen).toEqual(["[p] last words"]);
  });
});
