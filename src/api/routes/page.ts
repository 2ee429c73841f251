/**
 * @module
 * The list convention of SPEC-platform (`?limit=` default 50, max 500; `?cursor=` opaque, garbage
 * → 400 BAD_REQUEST; answers `{items, nextCursor}`), for lists held in memory.
 */
import { z } from "zod";
import { NanofaasError } from "../../domain/errors";

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional().meta({ description: "Default 50, at most 500" }),
  cursor: z.string().optional().meta({ description: "nextCursor of the previous page" }),
});

export const DEFAULT_PAGE_LIMIT = 50;

export const badCursor = () => new NanofaasError("BAD_REQUEST", "cursor: not a cursor this list issued");

export function pageOf<T>(all: readonly T[], query: { limit?: number; cursor?: string }) {
  const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
  const start = query.cursor === undefined ? 0 : decodeOffset(query.cursor);
  const items = all.slice(start, start + limit);
  const next = start + limit < all.length ? Buffer.from(`o:${start + limit}`).toString("base64url") : null;
  return { items, nextCursor: next };
}

function decodeOffset(cursor: string): number {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const match = /^o:(\d{1,9})$/.exec(text);
  if (!match || Buffer.from(text).toString("base64url") !== cursor) throw badCursor();
  return Number(match[1]);
}
