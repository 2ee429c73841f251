/**
 * @module
 * Reads a byte stream that is not trusted to be small — a pod's response body, a child's stdout —
 * to its end, or until it goes over a limit: then reading stops and the stream is cancelled, so
 * an oversized answer is never buffered whole.
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
      // The verdict is already "too large"; a failing cancel must not replace it with its own error.
      await reader.cancel().catch(() => {});
      return { overflow: true };
    }
    chunks.push(value);
  }
  return { overflow: false, bytes: chunks.length === 1 ? chunks[0]! : concatBytes(chunks, total) };
}

/** Joins `chunks`, whose lengths add up to `total`, into one array. */
export function concatBytes(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
