/**
 * @module
 * The behaviour of the core rows (functions, executions, idempotency keys) every store keeps —
 * memory, SQLite, PostgreSQL. Run it from each implementation's test with a factory that opens a
 * fresh store and one that reopens the same store (for the memory store: the same object).
 */
import { afterEach, describe, expect, test } from "bun:test";
import type { ExecutionRow, StateStore } from "./state-store";
import { execution } from "./state-store.contract";

export interface CoreRowsHarness {
  open(): Promise<StateStore>;
  /** Closes `store` and opens it again on the same data (what a restart sees). */
  reopen(store: StateStore): Promise<StateStore>;
}

/** An execution row whose input holds a number past 2^53, so byte-exact storage is checked too. */
export function row(id: string, overrides: Partial<ExecutionRow> = {}): ExecutionRow {
  return execution(id, {
    input: '{"n": 12345678901234567890, "f": 7.0}',
    metadata: { a: "b" },
    trace: { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" },
    ...overrides,
  });
}

export function coreRowsContract(name: string, harness: CoreRowsHarness): void {
  describe(`${name}: core rows`, () => {
    let store: StateStore | undefined;
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });
    const restart = async () => {
      store = await harness.reopen(store!);
      return store;
    };

    test("functions survive a restart: put replaces the spec, keeps createdAt; delete removes", async () => {
      store = await harness.open();
      await store.functions.put({ name: "a", spec: { image: "x:1" }, createdAt: 1, updatedAt: 1 });
      await store.functions.put({ name: "b", spec: { image: "y" }, createdAt: 2, updatedAt: 2 });
      await store.functions.put({ name: "a", spec: { image: "x:2" }, createdAt: 5, updatedAt: 5 });
      await store.functions.delete("b");
      const after = await restart();
      expect(await after.functions.loadAll()).toEqual([
        { name: "a", spec: { image: "x:2" }, createdAt: 1, updatedAt: 5 },
      ]);
    });

    test("an accepted row is readable after a restart, input byte for byte", async () => {
      store = await harness.open();
      await store.executions.accept(row("e1"));
      const after = await restart();
      expect(await after.executions.get("e1")).toEqual(row("e1"));
      expect(await after.executions.get("missing")).toBeUndefined();
    });

    test("concurrent accepts all become durable", async () => {
      store = await harness.open();
      const ids = Array.from({ length: 200 }, (_, i) => `c${i}`);
      await Promise.all(ids.map((id) => store!.executions.accept(row(id))));
      const after = await restart();
      expect((await after.executions.loadUnfinished()).map((r) => r.id).sort()).toEqual([...ids].sort());
    });

    test("record is write-behind: the latest state wins, flush makes it durable", async () => {
      store = await harness.open();
      await store.executions.accept(row("e1"));
      store.executions.record(row("e1", { status: "running", startedAt: 2_000 }));
      const done = row("e1", {
        status: "success",
        attempts: 2,
        startedAt: 2_000,
        finishedAt: 3_000,
        output: '{"ok": 1.50}',
        coldStart: true,
        initDurationMs: 40,
      });
      store.executions.record(done);
      store.executions.record(
        row("s1", { lane: "sync", status: "error", error: { code: "X", message: "m" }, finishedAt: 9 }),
      );
      await store.executions.flush();
      const after = await restart();
      expect(await after.executions.get("e1")).toEqual(done);
      expect((await after.executions.get("s1"))?.error).toEqual({ code: "X", message: "m" });
    });

    test("loadUnfinished returns queued and running rows only", async () => {
      store = await harness.open();
      await store.executions.accept(row("q"));
      store.executions.record(row("r", { status: "running", startedAt: 5 }));
      store.executions.record(row("t", { status: "timeout", finishedAt: 6 }));
      await store.executions.flush();
      const unfinished = await (await restart()).executions.loadUnfinished();
      expect(unfinished.map((r) => r.id).sort()).toEqual(["q", "r"]);
    });

    test("sweep deletes terminal rows finished before the cutoff, never unfinished ones", async () => {
      store = await harness.open();
      store.executions.record(row("old", { status: "success", createdAt: 90, finishedAt: 100 }));
      store.executions.record(row("new", { status: "success", createdAt: 250, finishedAt: 300 }));
      // created before the cutoff, finished after it: kept (retention counts from the finish)
      store.executions.record(row("long", { status: "error", createdAt: 150, finishedAt: 250 }));
      store.executions.record(row("running", { status: "running", createdAt: 1 }));
      await store.executions.flush();
      expect(await store.executions.sweep(200)).toBe(1);
      expect(await store.executions.get("old")).toBeUndefined();
      expect(await store.executions.get("new")).toBeDefined();
      expect(await store.executions.get("long")).toBeDefined();
      expect(await store.executions.get("running")).toBeDefined();
    });

    test("idempotency keys: live ones reload, expired and forgotten ones do not", async () => {
      store = await harness.open();
      store.idempotency.publish("f", "k1", "e1", 1_000);
      store.idempotency.publish("f", "k2", "e2", 5_000);
      store.idempotency.publish("g", "k1", "e3", 5_000);
      store.idempotency.publish("f", "k2", "e4", 6_000);
      await store.executions.flush();
      await store.idempotency.forgetFunction("g");
      let after = await restart();
      expect(await after.idempotency.loadLive(2_000)).toEqual([
        { function: "f", key: "k2", executionId: "e4", expiresAt: 6_000 },
      ]);
      await after.idempotency.sweep(10_000);
      after = await restart();
      expect(await after.idempotency.loadLive(0)).toEqual([]);
    });

    test("a healthy store says so", async () => {
      store = await harness.open();
      expect(store.healthy()).toBe(true);
    });
  });
}
