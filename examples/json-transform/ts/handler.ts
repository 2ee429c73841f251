/**
 * @module
 * json-transform: group-by aggregation.
 * Input: `{"data": [{...}], "groupBy": string, "operation"?: "count"|"sum"|"avg"|"min"|"max",
 * "valueField"?: string}` (operation defaults to "count", and the output echoes it).
 * Output: `{"groupBy", "operation", "groups": {"<key>": number | "unknown operation: <op>"}}`.
 * Domain errors are 200 outputs `{"error": "..."}`. The Python twin gives identical outputs.
 */
import type { Handler, Json } from "../../../runtimes/bun/src/sdk.ts";

export type Transformed =
  | { groupBy: string; operation: string; groups: Record<string, number | string> }
  | { error: string };

type JsonObject = { [key: string]: Json };

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The group key: strings as they are, a missing or null field as "null", other values as JSON text. */
function keyOf(value: Json | undefined): string {
  if (value === undefined || value === null) return "null";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function aggregate(operation: string, items: JsonObject[], valueField: string): number | string {
  if (operation === "count") return items.length;
  if (!["sum", "avg", "min", "max"].includes(operation)) return `unknown operation: ${operation}`;
  // Only numbers take part; a missing, null or non-numeric value is skipped.
  const values = items.map((item) => item[valueField]).filter((v): v is number => typeof v === "number");
  if (values.length === 0) return 0;
  let sum = 0;
  let min = values[0]!;
  let max = values[0]!;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  switch (operation) {
    case "sum":
      return sum;
    case "avg":
      return sum / values.length;
    case "min":
      return min;
    default:
      return max;
  }
}

export function jsonTransform(input: unknown): Transformed {
  if (!isObject(input)) return { error: "Input must be a JSON object" };
  const { data, groupBy, valueField } = input;
  const operation = input.operation ?? "count";
  if (!Array.isArray(data) || typeof groupBy !== "string")
    return { error: "Fields 'data' (array) and 'groupBy' (string) are required" };
  if (typeof operation !== "string") return { error: "Field 'operation' must be a string" };
  if (operation !== "count" && typeof valueField !== "string")
    return { error: `Field 'valueField' is required for operation: ${operation}` };
  const byKey = new Map<string, JsonObject[]>();
  for (const item of data) {
    const record = isObject(item) ? item : {};
    const key = keyOf(record[groupBy]);
    const bucket = byKey.get(key);
    if (bucket) bucket.push(record);
    else byKey.set(key, [record]);
  }
  // No prototype: a group called "__proto__" must become a key, not replace the prototype.
  const groups: Record<string, number | string> = Object.create(null);
  for (const [key, items] of byKey) groups[key] = aggregate(operation, items, valueField as string);
  return { groupBy, operation, groups };
}

const handler: Handler<unknown, Transformed> = ({ input }) => jsonTransform(input);
export default handler;
