/**
 * @module
 * The behaviour of `ExecutionRows.list` every store keeps (memory, SQLite, PostgreSQL): run it from
 * each implementation's test with a factory that stores the given rows (through accept/record and
 * flush, or directly) and answers list queries.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { ExecutionState } from "../contracts/invocation";
import { type ExecutionQuery, type ExecutionRow, InvalidCursorError, type Page } from "./state-store";

export interface ExecutionListHarness {
  /** Stores the rows (durably, when the store has a disk) before resolving. */
  put(rows: ExecutionRow[]): Promise<void>;
  list(query: ExecutionQuery): Promise<Page<ExecutionRow>>;
  close(): Promise<void>;
}

export function executionRow(id: string, fn: string, createdAt: number, status: ExecutionState): ExecutionRow {
  const terminal = status === "success" || status === "error" || status === "timeout";
  return {
    id,
    function: fn,
    lane: "async",
    status,
    attempts: status === "error" ? 3 : 1,
    input: '{"k": [1, 2.50]}',
    metadata: null,
    idempotencyKey: null,
    trace: {},
    output: status === "success" ? '"ok"' : null,
    error: status === "error" ? { code: "FUNCTION_ERROR", message: "boom" } : null,
    createdAt,
    startedAt: status === "queued" ? null : createdAt + 1,
    finishedAt: terminal ? createdAt + 2 : null,
    coldStart: false,
    initDurationMs: null,
    parentExecutionId: null,
    rootExecutionId: null,
  };
}

const STATUSES: ExecutionState[] = ["success", "error", "queued", "running", "timeout"];

export function executionListContract(name: string, open: () => Promise<ExecutionListHarness>): void {
  describe(`${name}: ExecutionRows.list`, () => {
    let store: ExecutionListHarness;
    const all = Array.from({ length: 12 }, (_, i) =>
      executionRow(`e${String(i).padStart(2, "0")}`, i % 3 === 0 ? "a" : "b", 1000 + (i >> 1), STATUSES[i % 5]!),
    );
    beforeEach(async () => {
      store = await open();
      await store.put(all);
    });
    afterEach(() => store.close());

    const ids = (page: Page<ExecutionRow>) => page.items.map((row) => row.id);

    test("newest first, paged by cursor without gaps or repeats", async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list({ limit: 5, cursor });
        seen.push(...ids(page));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(all.map((row) => row.id).reverse());
    });

    test("filters by function, status and an inclusive since/until window, combined", async () => {
      expect(ids(await store.list({ function: "a", limit: 50 }))).toEqual(["e09", "e06", "e03", "e00"]);
      expect(ids(await store.list({ status: "error", limit: 50 }))).toEqual(["e11", "e06", "e01"]);
      expect(ids(await store.list({ since: 1004, until: 1005, limit: 50 }))).toEqual(["e11", "e10", "e09", "e08"]);
      expect(ids(await store.list({ function: "b", status: "error", since: 1004, limit: 50 }))).toEqual(["e11"]);
    });

    test("root: the execution itself and every one whose rootExecutionId it is (a chain)", async () => {
      const chained = (id: string, at: number, parent: string) => ({
        ...executionRow(id, "c", at, "success"),
        parentExecutionId: parent,
        rootExecutionId: "e02",
      });
      await store.put([chained("c1", 2000, "e02"), chained("c2", 2001, "c1")]);
      expect(ids(await store.list({ root: "e02", limit: 50 }))).toEqual(["c2", "c1", "e02"]);
      expect(ids(await store.list({ root: "e02", function: "c", limit: 1 }))).toEqual(["c2"]);
      expect(ids(await store.list({ root: "c1", limit: 50 }))).toEqual(["c1"]);
      expect(ids(await store.list({ root: "nope", limit: 50 }))).toEqual([]);
    });

    test("a row reads back whole (input byte-exact, error object, nulls)", async () => {
      const page = await store.list({ status: "error", function: "a", limit: 1 });
      expect(page.items).toEqual([all[6]!]);
      expect(page.nextCursor).toBeNull();
    });

    test("a garbage cursor is refused with InvalidCursorError", async () => {
      await expect(store.list({ limit: 5, cursor: "%%%" })).rejects.toBeInstanceOf(InvalidCursorError);
    });
  });
}
