import { describe, expect, test } from "bun:test";
import type { LogStream } from "../../logs/log-line";
import { demuxLogs, LogFrameDemuxer, MAX_FRAME_BYTES, StreamLines } from "./log-frames";

/** One frame as Docker writes it: type, three zero bytes, big-endian length, payload. */
function frame(type: number, text: string | Uint8Array): Uint8Array {
  const payload = typeof text === "string" ? new TextEncoder().encode(text) : text;
  const out = new Uint8Array(8 + payload.length);
  out[0] = type;
  new DataView(out.buffer).setUint32(4, payload.length);
  out.set(payload, 8);
  return out;
}

const join = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));

/** Feeds `bytes` in pieces of `size` and collects the lines per stream. */
function linesOf(bytes: Uint8Array, size: number): [LogStream, string][] {
  const seen: [LogStream, string][] = [];
  const demuxer = new LogFrameDemuxer();
  const lines = new StreamLines((stream, line) => seen.push([stream, line]));
  for (let at = 0; at < bytes.length; at += size)
    for (const f of demuxer.push(bytes.subarray(at, at + size))) lines.frame(f);
  lines.end();
  expect(demuxer.leftover).toBe(0);
  return seen;
}

describe("LogFrameDemuxer + StreamLines", () => {
  // Frames interleave both streams; a line of one stream may span frames with the other's between.
  const stream = join(
    frame(1, "one\ntw"),
    frame(2, "err 1\n"),
    frame(1, "o\n"),
    frame(2, "err 2 without newline"),
    frame(1, "héllo ✓\n"),
  );
  const expected: [LogStream, string][] = [
    ["stdout", "one"],
    ["stderr", "err 1"],
    ["stdout", "two"],
    ["stdout", "héllo ✓"],
    ["stderr", "err 2 without newline"],
  ];

  for (const size of [1, 3, 7, 8, 9, 64, stream.length]) {
    test(`chunks of ${size} bytes: headers and payloads cut anywhere give the same lines`, () => {
      expect(linesOf(stream, size)).toEqual(expected);
    });
  }

  test("a multi-byte character cut between two frames of its stream is decoded whole", () => {
    const bytes = new TextEncoder().encode("✓\n");
    expect(linesOf(join(frame(1, bytes.subarray(0, 1)), frame(2, "x\n"), frame(1, bytes.subarray(1))), 5)).toEqual([
      ["stderr", "x"],
      ["stdout", "✓"],
    ]);
  });

  test("an empty frame and stdin frames (type 0, read as stdout) are accepted", () => {
    expect(linesOf(join(frame(1, ""), frame(0, "in\n")), 4)).toEqual([["stdout", "in"]]);
  });

  test("an incomplete frame at the end stays pending, it is not guessed at", () => {
    const demuxer = new LogFrameDemuxer();
    expect(demuxer.push(frame(1, "cut short\n").subarray(0, 12))).toEqual([]);
    expect(demuxer.leftover).toBe(12);
  });

  test("bytes that are not frame headers (a TTY container's raw output) stop the reading, not misread", () => {
    for (const bad of [
      new TextEncoder().encode("plain text output\n"),
      frame(3, "x"),
      (() => {
        const f = frame(1, "x");
        new DataView(f.buffer).setUint32(4, MAX_FRAME_BYTES + 1);
        return f;
      })(),
    ]) {
      const demuxer = new LogFrameDemuxer();
      expect(demuxer.push(join(frame(1, "good\n"), bad)).map((f) => f.stream)).toEqual(["stdout"]);
      expect(demuxer.error).toStartWith("not a Docker log frame header");
      expect(demuxer.push(frame(1, "after\n"))).toEqual([]);
    }
  });
});

describe("demuxLogs (a whole, non-followed response)", () => {
  test("lines of both streams in order, blank ones dropped; garbage after good frames keeps the good lines", () => {
    const bytes = join(frame(1, "one\n\n"), frame(2, "two\n"), new TextEncoder().encode("garbage!"));
    expect(demuxLogs(bytes)).toEqual(["one", "two"]);
  });
});
