import { describe, expect, test } from "bun:test";
import { decodeCursor, encodeCursor, isAfter, newestFirst, pageOf } from "./cursor";
import { InvalidCursorError } from "./state-store";

describe("list cursors", () => {
  test("a cursor round-trips its position, ids with colons included", () => {
    const position = { at: 1_700_000_000_123, id: "abc:def-1" };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  test.each([
    "",
    "not base64!",
    "Zm9v", // "foo"
    Buffer.from("v1:12").toString("base64url"),
    Buffer.from("v1::id").toString("base64url"),
    Buffer.from("v1:-5:id").toString("base64url"),
    Buffer.from("v1:1.5:id").toString("base64url"),
    Buffer.from("v2:1:id").toString("base64url"),
    Buffer.from("v1:99999999999999999999:id").toString("base64url"),
    "a".repeat(401),
  ])("garbage %p is refused with InvalidCursorError", (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(InvalidCursorError);
  });

  test("pages are newest first and the next page starts strictly after the cursor", () => {
    const rows = [
      { at: 3, id: "a" },
      { at: 2, id: "c" },
      { at: 2, id: "b" },
      { at: 1, id: "z" },
    ].sort(newestFirst);
    const first = pageOf(rows.slice(0, 3), 2, (r) => r);
    expect(first.items).toEqual([
      { at: 3, id: "a" },
      { at: 2, id: "c" },
    ]);
    const position = decodeCursor(first.nextCursor as string);
    const rest = rows.filter((r) => isAfter(r.at, r.id, position));
    expect(rest).toEqual([
      { at: 2, id: "b" },
      { at: 1, id: "z" },
    ]);
    expect(pageOf(rest, 2, (r) => r).nextCursor).toBeNull();
  });
});
