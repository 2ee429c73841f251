/**
 * @module
 * Reads a response body as text, refusing more than `maxBytes` (reference: 16 MiB in-memory cap).
 * Uses Content-Length when the pod sends it, and counts streamed bytes otherwise.
 */
import { readCapped as readBytesCapped } from "../lib/read-capped";

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
  if (!response.body) return "";
  const read = await readBytesCapped(response.body, maxBytes);
  if (read.overflow) throw new BodyTooLargeError(maxBytes);
  return new TextDecoder().decode(read.bytes);
}
