/**
 * @module
 * The behaviour every `WorkflowRows` implementation keeps (memory, SQLite, PostgreSQL): run it from each
 * implementation's test with a factory for a fresh, empty store.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { InvalidCursorError } from "./state-store";
import type { WorkflowRows, WorkflowRunRow, WorkflowStepRow } from "./workflow-rows";

export interface WorkflowRowsHarness {
  rows: WorkflowRows;
  close(): Promise<void>;
}

const step = (id: string, extra: Partial<WorkflowStepRow> = {}): WorkflowStepRow => ({
  id,
  status: "pending",
  executionId: null,
  attempts: 0,
  input: null,
  output: null,
  error: null,
  startedAt: null,
  finishedAt: null,
  ...extra,
});

export function run(
  id: string,
  workflow: string,
  startedAt: number,
  extra: Partial<WorkflowRunRow> = {},
): WorkflowRunRow {
  return {
    id,
    workflow,
    version: 1,
    definition: { name: workflow, steps: [{ id: "a", function: "f" }] },
    status: "running",
    input: { text: "é", n: [1, 2] },
    output: null,
    error: null,
    startedAt,
    finishedAt: null,
    deadline: null,
    steps: [step("a"), step("b")],
    ...extra,
  };
}

export function workflowRowsContract(name: string, open: () => Promise<WorkflowRowsHarness>): void {
  describe(`WorkflowRows (${name})`, () => {
    let h: WorkflowRowsHarness;
    beforeEach(async () => {
      h = await open();
    });
    afterEach(() => h.close());

    test("definitions: put replaces by name, loadAll returns them, delete says whether there was one", async () => {
      const def = { name: "etl", version: 1, definition: { steps: [{ id: "x" }] }, createdAt: 1, updatedAt: 1 };
      await h.rows.definitions.put(def);
      await h.rows.definitions.put({ ...def, version: 2, updatedAt: 5 });
      expect(await h.rows.definitions.loadAll()).toEqual([{ ...def, version: 2, updatedAt: 5 }]);
      expect(await h.rows.definitions.delete("etl")).toBe(true);
      expect(await h.rows.definitions.delete("etl")).toBe(false);
      expect(await h.rows.definitions.loadAll()).toEqual([]);
    });

    test("a run and its steps round-trip; putStep changes one step and keeps the order", async () => {
      await h.rows.runs.put(run("r1", "etl", 10));
      const done = step("b", {
        status: "success",
        executionId: "e1",
        attempts: 2,
        output: { ok: true },
        startedAt: 11,
        finishedAt: 12,
      });
      await h.rows.runs.putStep("r1", done);
      const got = await h.rows.runs.get("r1");
      expect(got).toEqual(run("r1", "etl", 10, { steps: [step("a"), done] }));
      expect(await h.rows.runs.get("nope")).toBeUndefined();
    });

    test("loadUnfinished returns running runs only; a finished run's put replaces its state", async () => {
      await h.rows.runs.put(run("r1", "etl", 10));
      await h.rows.runs.put(run("r2", "etl", 11));
      const failed = { code: "STEP_FAILED", message: "boom" };
      await h.rows.runs.put(run("r2", "etl", 11, { status: "error", error: failed, finishedAt: 20 }));
      expect((await h.rows.runs.loadUnfinished()).map((r) => r.id)).toEqual(["r1"]);
      expect((await h.rows.runs.get("r2"))?.error).toEqual(failed);
    });

    test("list: newest first, filtered by workflow and status, paged by an opaque cursor", async () => {
      for (let i = 0; i < 5; i++) await h.rows.runs.put(run(`r${i}`, i % 2 ? "odd" : "even", 100 + i));
      await h.rows.runs.put(run("r9", "odd", 200, { status: "success" }));
      const first = await h.rows.runs.list({ limit: 2 });
      expect(first.items.map((r) => r.id)).toEqual(["r9", "r4"]);
      const second = await h.rows.runs.list({ limit: 2, cursor: first.nextCursor ?? undefined });
      expect(second.items.map((r) => r.id)).toEqual(["r3", "r2"]);
      const odd = await h.rows.runs.list({ limit: 10, workflow: "odd", status: "running" });
      expect(odd).toEqual({ items: [run("r3", "odd", 103), run("r1", "odd", 101)], nextCursor: null });
      expect(h.rows.runs.list({ limit: 2, cursor: "garbage!" })).rejects.toBeInstanceOf(InvalidCursorError);
    });
  });
}
