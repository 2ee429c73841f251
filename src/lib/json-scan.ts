/**
 * @module
 * One linear pass over JSON text, before (and instead of most of) a parse: how deeply arrays and
 * objects nest, whether a number overflows to ±Infinity, and where each member of a top-level
 * object starts and ends. It is not a validator — run `JSON.parse` on text it accepts — but it is
 * safe on any input: no recursion, no allocation per character, so a hostile 35 000-level body is
 * refused in microseconds instead of stalling the event loop inside a recursive parse.
 */

/** `[key, valueStart, valueEnd]` of one top-level member; the key is decoded. */
export type MemberSpan = readonly [key: string, start: number, end: number];

export interface JsonScan {
  /** Set when nesting went deeper than the limit; the scan stopped there. */
  tooDeep: boolean;
  /** A number literal that no float can hold (`1e999`, 400 digits): JSON.parse makes it Infinity. */
  nonFinite: boolean;
  /** Members of a top-level object, in order (only when asked for; duplicates kept). */
  members: MemberSpan[] | undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isNumberChar = (c: number) => isDigit(c) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === MINUS;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Index just past the string whose opening quote is at `start` (text.length if unterminated). */
function skipString(text: string, start: number): number {
  // Jump quote to quote with native indexOf; a quote after an odd run of backslashes is escaped.
  for (let quote = text.indexOf('"', start + 1); quote >= 0; quote = text.indexOf('"', quote + 1)) {
    let backslash = quote - 1;
    while (backslash > start && text.charCodeAt(backslash) === BACKSLASH) backslash--;
    if ((quote - 1 - backslash) % 2 === 0) return quote + 1;
  }
  return text.length;
}

/** Index just past the number literal at `start`, noting whether it overflows. */
function skipNumber(text: string, start: number, scan: JsonScan): number {
  let i = start;
  let exponent = false;
  while (i < text.length && isNumberChar(text.charCodeAt(i))) {
    const c = text.charCodeAt(i);
    if (c === 0x65 || c === 0x45) exponent = true;
    i++;
  }
  // Only an exponent or more digits than a double's range (308) can overflow.
  if ((exponent || i - start > 300) && !Number.isFinite(Number(text.slice(start, i)))) scan.nonFinite = true;
  return i;
}

function decodeKey(raw: string): string {
  if (!raw.includes("\\")) return raw.slice(1, -1);
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw;
  }
}

/** Trailing whitespace of a member value is not part of it. */
function trimEnd(text: string, end: number): number {
  while (end > 0 && isSpace(text.charCodeAt(end - 1))) end--;
  return end;
}

/**
 * Scans `text`: stops with `tooDeep` as soon as nesting exceeds `maxDepth`; collects top-level
 * members when `withMembers` (the spans are meaningful once JSON.parse has accepted the text).
 */
export function scanJson(text: string, maxDepth: number, withMembers = false): JsonScan {
  const scan: JsonScan = { tooDeep: false, nonFinite: false, members: undefined };
  const objectAtTop = withMembers && text.charCodeAt(firstNonSpace(text)) === OPEN_BRACE;
  if (objectAtTop) scan.members = [];
  let depth = 0;
  let key = "";
  let valueStart = -1;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = skipString(text, i);
      if (objectAtTop && depth === 1 && valueStart < 0) key = decodeKey(text.slice(i, end));
      i = end;
      continue;
    }
    if (isDigit(c) || c === MINUS) {
      i = skipNumber(text, i, scan);
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) {
        scan.tooDeep = true;
        return scan;
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (objectAtTop && depth === 1 && valueStart >= 0) scan.members!.push([key, valueStart, trimEnd(text, i)]);
      if (depth === 1) valueStart = -1;
      depth--;
    } else if (objectAtTop && depth === 1) {
      if (c === COLON) valueStart = firstNonSpace(text, i + 1);
      else if (c === COMMA && valueStart >= 0) {
        scan.members!.push([key, valueStart, trimEnd(text, i)]);
        valueStart = -1;
      }
    }
    i++;
  }
  return scan;
}

function firstNonSpace(text: string, from = 0): number {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** The last span of `key` among `members` (JSON.parse keeps the last duplicate too). */
export function memberSpan(members: readonly MemberSpan[] | undefined, key: string): MemberSpan | undefined {
  if (!members) return undefined;
  for (let i = members.length - 1; i >= 0; i--) if (members[i]![0] === key) return members[i];
  return undefined;
}

/**
 * Whether nesting goes deeper than `maxDepth`. Nesting can never be deeper than the number of `{`
 * and `[` characters (nor than the length), which native indexOf counts quickly, so the byte scan
 * runs only for bodies with more brackets than the limit — most bodies have far fewer.
 */
export function exceedsDepth(text: string, maxDepth: number): boolean {
  if (text.length <= maxDepth) return false;
  let brackets = 0;
  for (let i = text.indexOf("{"); i >= 0; i = text.indexOf("{", i + 1))
    if (++brackets > maxDepth) return scanJson(text, maxDepth).tooDeep;
  for (let i = text.indexOf("["); i >= 0; i = text.indexOf("[", i + 1))
    if (++brackets > maxDepth) return scanJson(text, maxDepth).tooDeep;
  return false;
}

// A double overflows only from an exponent of three digits or more, or a run of 309+ digits.
const MAYBE_HUGE = /[eE][+-]?\d{3}|\d{309}/;

/** Whether a number literal overflows to ±Infinity (`1e999`); strings are not looked into. */
export function hasNonFiniteNumber(text: string): boolean {
  return MAYBE_HUGE.test(text) && scanJson(text, Number.POSITIVE_INFINITY).nonFinite;
}

/**
 * The span of member `key` of a top-level object. `onlyMember` (the parsed object has no other
 * key) allows an O(1) answer for the common `{"input": …}`; anything else is a member scan.
 */
export function topLevelMember(
  text: string,
  key: string,
  onlyMember: boolean,
): readonly [start: number, end: number] | undefined {
  if (onlyMember) {
    const quoted = quotedKey(key);
    const name = firstNonSpace(text, firstNonSpace(text) + 1);
    // A second `"key"` may be a duplicate member (JSON.parse keeps the last): scan those properly.
    if (text.startsWith(quoted, name) && text.indexOf(quoted, name + 1) < 0) {
      const colon = firstNonSpace(text, name + quoted.length);
      if (text.charCodeAt(colon) === COLON)
        return [firstNonSpace(text, colon + 1), trimEnd(text, text.lastIndexOf("}"))];
    }
  }
  const span = memberSpan(scanJson(text, Number.POSITIVE_INFINITY, true).members, key);
  return span && [span[1], span[2]];
}

const quotedKeys = new Map<string, string>();
/** `"key"`, built once per key (the invoke hot path asks for the same one every time). */
function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    quotedKeys.set(key, quoted);
  }
  return quoted;
}
