/**
 * @module
 * The list cursor every store issues (SPEC-platform conventions: opaque, garbage → 400). Lists are
 * newest first, ordered by (time DESC, id DESC); a cursor names the last item of a page, and the
 * next page starts strictly after it. The text is base64url of `v1:<time>:<id>` so clients treat it
 * as opaque; decoding checks every part, so a forged or truncated cursor is refused, never
 * mis-read as a position.
 */
import { InvalidCursorError, type Page } from "./state-store";

/** Where a page ended: the (time, id) of its last item. */
export interface ListPosition {
  at: number;
  id: string;
}

const PREFIX = "v1:";

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(`${PREFIX}${position.at}:${position.id}`, "utf8").toString("base64url");
}

/** The position a cursor names; throws InvalidCursorError for anything this module did not issue. */
export function decodeCursor(cursor: string): ListPosition {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) throw invalid();
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  if (!text.startsWith(PREFIX)) throw invalid();
  const rest = text.slice(PREFIX.length);
  const colon = rest.indexOf(":");
  const at = Number(rest.slice(0, colon));
  const id = rest.slice(colon + 1);
  if (colon <= 0 || !/^\d+$/.test(rest.slice(0, colon)) || !Number.isSafeInteger(at) || id.length === 0) {
    throw invalid();
  }
  return { at, id };
}

const invalid = () => new InvalidCursorError("The cursor is not one this server issued (pass nextCursor as given)");

/** True when (at, id) comes after `position` in newest-first order, i.e. belongs to the next page. */
export function isAfter(at: number, id: string, position: ListPosition | undefined): boolean {
  if (!position) return true;
  return at < position.at || (at === position.at && id < position.id);
}

/**
 * A page from up to `limit + 1` rows already in newest-first order: the extra row only says that
 * there is a next page (the cursor names the last row kept).
 */
export function pageOf<T>(rows: T[], limit: number, positionOf: (row: T) => ListPosition): Page<T> {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(positionOf(items[items.length - 1] as T)) };
}

/** Newest-first comparison on (at, id), for stores that sort in memory. */
export const newestFirst = (a: ListPosition, b: ListPosition): number =>
  b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
