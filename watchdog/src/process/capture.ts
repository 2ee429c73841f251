/**
 * @module
 * Reading a child's output without trusting it: stdout is read up to `MAX_OUTPUT_BYTES` and reading
 * stops the moment it goes over (the reference buffered everything), and stderr is passed through to
 * the pod log while its last few KiB are kept for error messages.
 */

import { concatBytes } from "../../../src/lib/read-capped.ts";

// Shared with the control plane's dispatcher, which caps pod responses the same way.
export { type Capped, readCapped } from "../../../src/lib/read-capped.ts";

export interface Tail {
  /** The last bytes seen so far, as text. */
  text(): string;
  /** Resolves at end of stream. */
  readonly done: Promise<void>;
}

/** Forwards every chunk to `sink` and remembers the last `keep` bytes. */
export function forwardWithTail(
  stream: ReadableStream<Uint8Array>,
  sink: (chunk: Uint8Array) => void,
  keep: number,
): Tail {
  let tail: Uint8Array = new Uint8Array(0);
  const done = (async () => {
    const reader = stream.getReader();
    for (;;) {
      const { done: end, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (end || !value) return;
      sink(value);
      const joined = concatBytes([tail, value], tail.byteLength + value.byteLength);
      tail = joined.byteLength > keep ? joined.slice(joined.byteLength - keep) : joined;
    }
  })();
  return { text: () => new TextDecoder().decode(tail).trim(), done };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Strict UTF-8 decoding: invalid bytes are an error, never silently replaced. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

const NEWLINE = 10;

/**
 * A sink that starts every line with `tag` before passing it on to `sink`: the child of one
 * invocation prints plain lines, and the pod log (and `nanofaas logs --execution`) must still tell
 * whose they are (src/contracts/log-tag.ts). Works on bytes, so it never splits a UTF-8 character.
 */
export function taggedLines(sink: (chunk: Uint8Array) => void, tag: string): (chunk: Uint8Array) => void {
  const tagBytes = new TextEncoder().encode(tag);
  let atLineStart = true;
  return (chunk) => {
    const parts: Uint8Array[] = [];
    let from = 0;
    for (let i = 0; i < chunk.byteLength; i++) {
      if (atLineStart) {
        parts.push(tagBytes);
        atLineStart = false;
      }
      if (chunk[i] === NEWLINE) {
        parts.push(chunk.subarray(from, i + 1));
        from = i + 1;
        atLineStart = true;
      }
    }
    if (from < chunk.byteLength) parts.push(chunk.subarray(from));
    const size = parts.reduce((sum, part) => sum + part.byteLength, 0);
    sink(concatBytes(parts, size));
  };
}
