/**
 * @module
 * The schemes the dispatcher may fetch. Bun's `fetch` also reads `file:` and `data:` URLs, so a
 * registered `endpointUrl` of `file:///…` would hand local files to whoever invokes the function.
 * Registration already refuses anything but http(s); this second check guards every other way an
 * endpoint can arrive (a backend's replica URL, a store written by an older version).
 */

const HTTP_URL = /^\s*https?:\/\//i;

/** True only for `http://` and `https://` URLs (case-insensitive, leading blanks allowed). */
export function isHttpUrl(url: string): boolean {
  return HTTP_URL.test(url);
}

/** Longest excerpt of a pod's body that goes into an error message. */
export const MAX_BODY_EXCERPT = 1024;

/**
 * A short, printable excerpt of text that came from a target, for an error message: control
 * characters (terminal escapes, NULs) become spaces and anything past `max` characters is cut
 * with a marker, so an error never carries a whole foreign document.
 */
export function bodyExcerpt(text: string, max = MAX_BODY_EXCERPT): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const clean = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, " ");
  return clean.length <= max ? clean : `${clean.slice(0, max)}… (${clean.length - max} more characters)`;
}
