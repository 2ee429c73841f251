/**
 * @module
 * Renders the configuration table of docs/configuration.md from SETTINGS, so the docs cannot
 * drift from the code (a test compares them).
 */
import { SETTINGS } from "./config";

function defaultOf(schema: { safeParse(v: unknown): { success: boolean; data?: unknown } }): string {
  const parsed = schema.safeParse(undefined);
  if (!parsed.success || parsed.data === undefined) return "—";
  return `\`${typeof parsed.data === "string" ? parsed.data : JSON.stringify(parsed.data)}\``;
}

export function renderConfigTable(): string {
  const rows = Object.values(SETTINGS).map((s) => {
    const [canonical, ...aliases] = s.env;
    const names = [`\`${canonical}\``, ...aliases.map((a) => `\`${a}\``)].join("<br>");
    return `| ${names} | ${defaultOf(s.schema)} | ${s.doc} |`;
  });
  return ["| Variable (aliases below) | Default | Meaning |", "|---|---|---|", ...rows].join("\n");
}
