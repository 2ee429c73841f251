/**
 * @module
 * API key secrets: `nfk_` followed by 43 characters of base64url (32 random bytes from the CSPRNG).
 * Only the SHA-256 of a secret is ever stored; its first characters are the public prefix that
 * names the key in lists, logs and the audit log.
 */
import { createHash, randomBytes } from "node:crypto";

export const KEY_MARKER = "nfk_";
/** `nfk_` + 8 characters: 48 bits, enough to tell keys apart, far too few to guess the rest. */
const PREFIX_LENGTH = KEY_MARKER.length + 8;
/** What a secret must look like (hand-made bootstrap keys may be longer than the 43 we make). */
const SECRET_SHAPE = /^nfk_[A-Za-z0-9_-]{32,256}$/;

export function newKeySecret(): string {
  return KEY_MARKER + randomBytes(32).toString("base64url");
}

export const keyPrefix = (secret: string) => secret.slice(0, PREFIX_LENGTH);

/** Whether `text` looks like a secret this module issues (a file's `key:` is checked with it). */
export const isKeySecret = (text: string) => SECRET_SHAPE.test(text);

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
