/**
 * @module
 * Webhook filters: every filter must match for a delivery to start an execution. A filter names
 * `header:<name>` (case-insensitive) or `body:<dot.path>` (into the JSON body; array indexes as
 * numbers) and the values it accepts; the field's value as a string (numbers and booleans as
 * JSON writes them) must equal one of them. A missing field matches nothing.
 */
import type { WebhookFilter } from "../../store/trigger-rows";

function bodyValue(body: unknown, path: string): unknown {
  let at: unknown = body;
  for (const key of path.split(".")) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function asText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

export function filtersMatch(
  filters: WebhookFilter[],
  header: (name: string) => string | undefined,
  body: unknown,
): boolean {
  return filters.every((filter) => {
    const value = filter.field.startsWith("header:")
      ? header(filter.field.slice(7).toLowerCase())
      : asText(bodyValue(body, filter.field.slice(5)));
    return value !== undefined && filter.values.includes(value);
  });
}
