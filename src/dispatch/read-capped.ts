/**
 * @module
 * Reads a response body as text, refusing more than `maxBytes` (reference: 16 MiB in-memory cap).
 * Uses Content-Length when the pod sends it, and counts streamed bytes otherwise.
 */
export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`Function response exceeds ${maxBytes} bytes`);
  }
}

export async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get("content-length"));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new BodyTooLargeError(maxBytes);
  }
  if (declared >= 0 && response.headers.has("content-length")) return response.text();
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
