/**
 * @module
 * The behaviour every `DeadLetterRows` implementation keeps (memory, SQLite, PostgreSQL): run it
 * from each implementation's test with a factory for a fresh, empty store.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { type DeadLetterRow, type DeadLetterRows, InvalidCursorError } from "./state-store";

export interface DeadLetterHarness {
  rows: DeadLetterRows;
  close(): Promise<void>;
}

export function entry(id: string, fn: string, failedAt: number, extra: Partial<DeadLetterRow> = {}): DeadLetterRow {
  return {
    id,
    function: fn,
    executionId: `exec-${id}`,
    input: '{"n": 1, "text": "é"}',
    metadata: { source: "test" },
    error: { code: "FUNCTION_ERROR", message: "boom" },
    attempts: 3,
    failedAt,
    replayedAs: null,
    rootExecutionId: null,
    ...extra,
  };
}

export function deadLetterRowsContract(name: string, open: () => Promise<DeadLetterHarness>): void {
  describe(`${name}: DeadLetterRows`, () => {
    let harness: DeadLetterHarness;
    let rows: DeadLetterRows;
    beforeEach(async () => {
      harness = await open();
      rows = harness.rows;
    });
    afterEach(() => harness.close());

    test("an added entry reads back field for field, input byte-exact", async () => {
      const row = entry("d1", "f", 1000);
      await rows.add(row);
      expect(await rows.get("d1")).toEqual(row);
      expect(await rows.get("missing")).toBeUndefined();
      const bare = entry("d2", "f", 1001, { metadata: null, error: null, rootExecutionId: "root-1" });
      await rows.add(bare);
      expect(await rows.get("d2")).toEqual(bare);
    });

    test("lists are newest first, filtered by function, paged by cursor without gaps or repeats", async () => {
      for (let i = 0; i < 7; i++) await rows.add(entry(`a${i}`, i % 2 === 0 ? "even" : "odd", 1000 + (i >> 1)));
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await rows.list({ limit: 3, cursor });
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((r) => r.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(["a6", "a5", "a4", "a3", "a2", "a1", "a0"]);
      const even = await rows.list({ function: "even", limit: 10 });
      expect(even.items.map((r) => r.id)).toEqual(["a6", "a4", "a2", "a0"]);
      expect(even.nextCursor).toBeNull();
    });

    test("a garbage cursor is refused with InvalidCursorError", async () => {
      await expect(rows.list({ limit: 5, cursor: "garbage!" })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    test("markReplayed, delete, purge of one function or all, sizes and sweep", async () => {
      await rows.add(entry("x1", "f", 100));
      await rows.add(entry("x2", "f", 200));
      await rows.add(entry("y1", "g", 300));
      await rows.markReplayed("x1", "new-exec");
      expect((await rows.get("x1"))?.replayedAs).toBe("new-exec");
      expect(await rows.sizes()).toEqual(
        new Map([
          ["f", 2],
          ["g", 1],
        ]),
      );
      expect(await rows.delete("x2")).toBe(true);
      expect(await rows.delete("x2")).toBe(false);
      expect(await rows.sweep(150)).toBe(1);
      expect(await rows.get("x1")).toBeUndefined();
      await rows.add(entry("y2", "g", 400));
      await rows.add(entry("z1", "h", 400));
      expect(await rows.purge("g")).toBe(2);
      expect(await rows.purge()).toBe(1);
      expect((await rows.list({ limit: 10 })).items).toEqual([]);
      expect(await rows.sizes()).toEqual(new Map());
    });
  });
}
