/**
 * @module
 * The list conventions of SPEC-platform (every `GET` that lists): `?limit=` (default 50, max 500),
 * `?cursor=` (opaque; one this server did not issue → 400 BAD_REQUEST) and a
 * `{"items": [...], "nextCursor": "…" | null}` body. Query values arrive as text; each parameter is
 * checked here so a bad one is a 400 VALIDATION_ERROR naming it, never a 500 or a silent default.
 */
import { z } from "zod";
import { NanofaasError } from "../domain/errors";
import { InvalidCursorError } from "../store/state-store";

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

const query = (name: string) => ({ param: { name, in: "query" as const } });

export const LimitParam = z
  .string()
  .optional()
  .superRefine((raw, ctx) => {
    if (raw === undefined) return;
    const n = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(n >= 1 && n <= MAX_LIMIT))
      ctx.addIssue({ code: "custom", message: `must be an integer from 1 to ${MAX_LIMIT}` });
  })
  .meta({
    ...query("limit"),
    type: "integer",
    minimum: 1,
    maximum: MAX_LIMIT,
    default: DEFAULT_LIMIT,
    description: `Items per page (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})`,
  });

export const CursorParam = z
  .string()
  .optional()
  .meta({ ...query("cursor"), description: "The `nextCursor` of the previous page, as given (opaque)" });

/** An ISO-8601 UTC timestamp query parameter (`2026-12-03T16:00:00Z`). */
export const TimestampParam = (name: string, description: string) =>
  z
    .string()
    .optional()
    .superRefine((raw, ctx) => {
      if (raw !== undefined && parseTimestamp(raw) === undefined) {
        ctx.addIssue({ code: "custom", message: "must be an ISO-8601 timestamp such as 2026-12-03T16:00:00Z" });
      }
    })
    .meta({ ...query(name), format: "date-time", description });

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Epoch ms of an ISO-8601 timestamp, else undefined. */
export function parseTimestamp(raw: string): number | undefined {
  if (!ISO_TIMESTAMP.test(raw)) return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : ms;
}

export const readLimit = (raw: string | undefined) => (raw === undefined ? DEFAULT_LIMIT : Number(raw));

/** The documented page of `item`s. */
export const pageOf = <T extends z.ZodType>(item: T, id: string) =>
  z
    .object({
      items: z.array(item),
      nextCursor: z.string().nullable().meta({ description: "Pass as ?cursor= for the next page; null on the last" }),
    })
    .meta({ id });

/** Runs a store list query; a cursor the store did not issue becomes 400 BAD_REQUEST. */
export async function listing<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof InvalidCursorError) throw new NanofaasError("BAD_REQUEST", error.message);
    throw error;
  }
}

/** `{"items":[…],"nextCursor":…}` from items already rendered as JSON text. */
export const pageJson = (items: string[], nextCursor: string | null) =>
  `{"items":[${items.join(",")}],"nextCursor":${JSON.stringify(nextCursor)}}`;
