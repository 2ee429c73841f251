import { expect, test } from "bun:test";
import { readCapped } from "./read-capped";

const encoder = new TextEncoder();

/** A stream of `parts`, one chunk each, that records whether it was cancelled. */
function streamOf(parts: string[]) {
  const state = { cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const part = parts.shift();
      if (part === undefined) controller.close();
      else controller.enqueue(encoder.encode(part));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

test.each([
  ["one chunk", ["hello"], 5, "hello"],
  ["several chunks, exactly at the limit", ["ab", "cd", "e"], 5, "abcde"],
  ["nothing", [], 0, ""],
])("%s: read whole", async (_, parts, limit, expected) => {
  const read = await readCapped(streamOf(parts).stream, limit);
  expect(read.overflow ? "overflow" : new TextDecoder().decode(read.bytes)).toBe(expected);
});

test("one byte over the limit: overflow, and the stream is cancelled rather than read on", async () => {
  const { stream, state } = streamOf(["abc", "def", "never read"]);
  expect(await readCapped(stream, 5)).toEqual({ overflow: true });
  expect(state.cancelled).toBe(true);
});
