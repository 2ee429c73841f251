/**
 * @module
 * The one reading of environment values shared by the control plane's config, the watchdog and
 * the Bun runtime, so the three agree on what a boolean and an integer are: booleans are
 * true/false, 1/0, yes/no or on/off in any case; integers are plain decimal digits (no sign,
 * exponent, hex or fraction: `1e3`, `0x10`, `+5` and `5.0` are typos, not numbers). Values are
 * trimmed; blank means unset.
 */

/** `env[name]` trimmed; undefined when unset or blank. */
export function envText(env: Record<string, string | undefined>, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

const TRUE_WORDS = new Set(["true", "1", "yes", "on"]);
const FALSE_WORDS = new Set(["false", "0", "no", "off"]);

/** What a boolean setting accepts, for error messages. */
export const BOOLEAN_EXPECTED = "expected true or false (also 1/0, yes/no, on/off)";

/** true/false, 1/0, yes/no, on/off (any case, trimmed); undefined for anything else. */
export function parseBoolean(raw: string): boolean | undefined {
  const word = raw.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/** Decimal digits only (trimmed) that make a safe integer; undefined for anything else. */
export function parseInteger(raw: string): number | undefined {
  const text = raw.trim();
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
