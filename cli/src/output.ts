/**
 * @module
 * `--output table|json|yaml`. JSON is pretty-printed (scripts pipe it to jq), YAML comes from the
 * `yaml` package, tables are aligned plain text with `-` for missing values.
 */
import { usageError } from "./errors";

export const FORMATS = ["table", "json", "yaml"] as const;
export type Format = (typeof FORMATS)[number];

export function parseFormat(value: string | undefined): Format | undefined {
  if (value === undefined) return undefined;
  if ((FORMATS as readonly string[]).includes(value)) return value as Format;
  throw usageError(`--output must be one of ${FORMATS.join(", ")} (got '${value}')`);
}

export const toJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
/** `yaml` is loaded only when YAML is asked for: it is a large share of the CLI's start-up time. */
export const toYaml = async (value: unknown): Promise<string> => (await import("yaml")).stringify(value);

/** A cell: strings as is, other values as compact JSON, missing as "-". */
export function cell(value: unknown): string {
  if (value === undefined || value === null || value === "") return "-";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Column-aligned rows under upper-case headers; long cells are cut so rows stay on one line.
 * `minWidths` keeps columns aligned across separately printed rows (`exec get --watch`).
 */
export function table(headers: string[], rows: unknown[][], maxWidth = 60, minWidths: number[] = []): string {
  const text = [headers, ...rows.map((row) => row.map((v) => truncate(cell(v), maxWidth)))];
  const widths = headers.map((_, i) => Math.max(minWidths[i] ?? 0, ...text.map((row) => (row[i] as string).length)));
  return (
    text
      .map((row) => row.map((v, i) => (i === row.length - 1 ? v : (v as string).padEnd(widths[i]!))).join("  "))
      .join("\n") + "\n"
  );
}

/** Two columns, one per field: for a single object (`fn get`, `invoke -o table`). */
export function keyValues(entries: [string, unknown][]): string {
  return table(["FIELD", "VALUE"], entries, 100);
}

function truncate(text: string, max: number): string {
  const line = text.replace(/\s*\n\s*/g, " ");
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Renders `value` in json/yaml, or with `asTable` for the table format. */
export async function render(format: Format, value: unknown, asTable: () => string): Promise<string> {
  if (format === "json") return toJson(value);
  if (format === "yaml") return toYaml(value);
  return asTable();
}
