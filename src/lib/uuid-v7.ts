/**
 * @module
 * Time-ordered UUIDs (RFC 9562 version 7) for execution ids. Under Bun this is Bun's own
 * generator; the control plane also runs under Deno and Node (docs/differences.md), which have
 * no v7 generator, so there it is made here: 48 bits of Unix milliseconds, then 74 random bits.
 */
const bunV7 = (globalThis as { Bun?: { randomUUIDv7?: () => string } }).Bun?.randomUUIDv7;

function portableUuidV7(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let ms = Date.now();
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const uuidV7: () => string = bunV7 ? () => bunV7() : portableUuidV7;
export { portableUuidV7 };
