/**
 * @module
 * Durations in configuration: Spring-style (`500ms`, `2s`, `5m`, `1h`), ISO-8601 (`PT2S`, `PT0.5S`,
 * `PT1M30S`) or a bare integer of milliseconds. Returns milliseconds, or undefined when unparseable.
 */
const SIMPLE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/i;
const ISO = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDurationMs(text: string): number | undefined {
  const value = text.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const simple = SIMPLE.exec(value);
  if (simple) return Math.round(Number(simple[1]) * (UNIT_MS[simple[2]!.toLowerCase()] ?? 0));
  return parseIsoDurationMs(value);
}

/** ISO-8601 only (what the admin API accepts, case-insensitive, fractional seconds allowed). */
export function parseIsoDurationMs(text: string): number | undefined {
  const iso = ISO.exec(text.trim());
  if (!iso || text.trim().toUpperCase() === "P" || text.trim().toUpperCase().endsWith("T")) return undefined;
  const [, d, h, m, s] = iso;
  const part = (v: string | undefined, unit: number) => (v ? Number(v) * unit : 0);
  return Math.round(part(d, 86_400_000) + part(h, 3_600_000) + part(m, 60_000) + part(s, 1000));
}

/** Renders milliseconds the way Java's `Duration.toString()` does: `PT2S`, `PT0.5S`, `PT1M30S`. */
export function formatIsoDuration(ms: number): string {
  if (ms === 0) return "PT0S";
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  let out = "PT";
  if (hours) out += `${hours}H`;
  if (minutes) out += `${minutes}M`;
  if (seconds) out += `${seconds}S`;
  return out;
}
