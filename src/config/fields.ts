/**
 * @module
 * zod field builders for settings that arrive as strings in the environment.
 */
import { z } from "zod";
import { parseDurationMs } from "../lib/duration";
import { BOOLEAN_EXPECTED, parseBoolean, parseInteger } from "../lib/env";

/** Decimal digits within [min, max] (src/lib/env.ts: the watchdog and runtimes read integers the same way). */
export const int = (min: number, max: number) =>
  z.string().transform((text, ctx) => {
    const value = parseInteger(text);
    const problem =
      value === undefined
        ? "expected an integer"
        : value < min
          ? `must be >= ${min}`
          : value > max
            ? `must be <= ${max}`
            : undefined;
    if (problem === undefined) return value as number;
    ctx.addIssue({ code: "custom", message: problem });
    return z.NEVER;
  });

export const num = (min: number, max: number) =>
  z.coerce.number().min(min, `must be >= ${min}`).max(max, `must be <= ${max}`);

export const port = () => int(0, 65535);

/** true/false, 1/0, yes/no, on/off (src/lib/env.ts, shared with the watchdog). */
export const bool = () =>
  z.string().transform((text, ctx) => {
    const value = parseBoolean(text);
    if (value !== undefined) return value;
    ctx.addIssue({ code: "custom", message: BOOLEAN_EXPECTED });
    return z.NEVER;
  });

/** `500ms`, `2s`, `5m`, `PT2S` or bare milliseconds → milliseconds (within [min, max]). */
export const duration = (min = 1, max = Number.POSITIVE_INFINITY) =>
  z.string().transform((text, ctx) => {
    const ms = parseDurationMs(text);
    if (ms === undefined || ms < min || ms > max) {
      const range = max === Number.POSITIVE_INFINITY ? `>= ${min} ms` : `${min}..${max} ms`;
      ctx.addIssue({ code: "custom", message: `expected a duration such as 500ms, 2s, 5m or PT2S (${range})` });
      return z.NEVER;
    }
    return ms;
  });

export const url = () => z.url({ error: () => "expected an absolute URL" });

/** A comma-separated list of names (blank entries dropped); unset is the empty list. */
export const commandList = () =>
  z
    .string()
    .default("")
    .transform((text) =>
      text
        .split(",")
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ""),
    );
