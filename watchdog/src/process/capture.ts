/**
 * @module
 * Reading a child's output without trusting it: stdout is read up to `MAX_OUTPUT_BYTES` and reading
 * stops the moment it goes over (the reference buffered everything), and stderr is passed through to
 * the pod log while its last few KiB are kept for error messages.
 */

export type Capped = { overflow: false; bytes: Uint8Array } | { overflow: true };

/** Reads `stream` to its end, or until it exceeds `limit` bytes (then the stream is cancelled). */
export async function readCapped(stream: ReadableStream<Uint8Array>, limit: number): Promise<Capped> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return { overflow: true };
    }
    chunks.push(value);
  }
  return { overflow: false, bytes: chunks.length === 1 ? chunks[0]! : concat(chunks, total) };
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

export interface Tail {
  /** The last bytes seen so far, as text. */
  text(): string;
  /** Resolves at end of stream. */
  readonly done: Promise<void>;
}

/** Forwards every chunk to `sink` and remembers the last `keep` bytes. */
export function forwardWithTail(stream: ReadableStream<Uint8Array>, sink: (chunk: Uint8Array) => void, keep: number): Tail {
  let tail: Uint8Array = new Uint8Array(0);
  const done = (async () => {
    const reader = stream.getReader();
    for (;;) {
      const { done: end, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (end || !value) return;
      sink(value);
      const joined = concat([tail, value], tail.byteLength + value.byteLength);
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
