/**
 * @module
 * The behaviour every StateStore keeps (state-store.ts), written once and run against each
 * implementation: `describeStateStoreContract("sqlite", factory)` in that store's own test file.
 * It covers what the narrower suites do not: API keys, the audit log and a restart of every
 * sub-store at once. Core rows, lists and the DLQ have their own suites
 * (core-rows.contract.ts, execution-list.contract.ts, dead-letter-rows.contract.ts).
 * `create` gives a fresh, empty store per test; `reopen`, when the store is durable, opens the same
 * data again after `close()` (what a restart does). Write-behind rows are read back only after
 * `flush()` (or `close()` + `reopen`), as the contract promises, never after a sleep.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { type ExecutionRow, InvalidCursorError, type StateStore } from "./state-store";

export interface StoreFactory {
  create(): Promise<StateStore>;
  /** The same data, opened again after `closed.close()`; absent for `memory`. */
  reopen?(closed: StateStore): Promise<StateStore>;
}

export function execution(id: string, overrides: Partial<ExecutionRow> = {}): ExecutionRow {
  return {
    id,
    function: "echo",
    lane: "async",
    status: "queued",
    attempts: 1,
    input: '{"n": 1, "s":"é"}',
    metadata: { source: "test" },
    idempotencyKey: null,
    trace: { traceId: "t1" },
    output: null,
    error: null,
    createdAt: 1_000,
    startedAt: null,
    finishedAt: null,
    coldStart: false,
    initDurationMs: null,
    parentExecutionId: null,
    rootExecutionId: null,
    ...overrides,
  };
}

/** Pages through `list` until the end, checking no page is longer than `limit`. */
async function collectPages<T>(
  list: (cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>,
  limit: number,
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await list(cursor);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    all.push(...page.items);
    if (page.nextCursor === null) return all;
    cursor = page.nextCursor;
  }
  throw new Error("list never ended");
}

const GARBAGE_CURSORS = [
  "garbage!",
  "",
  "eyJ4IjoxfQ",
  Buffer.from("[1]").toString("base64url"),
  "%%%",
  "a".repeat(300),
];

export function describeStateStoreContract(name: string, factory: StoreFactory) {
  describe(`StateStore contract: ${name}`, () => {
    const open: StateStore[] = [];
    const fresh = async () => {
      const store = await factory.create();
      open.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.allSettled(open.splice(0).map((store) => store.close()));
    });

    test("any JSON-able string round-trips: NUL, a lone surrogate, astral characters", async () => {
      const store = await fresh();
      const odd = 'nul:\u0000 lone:\ud800 emoji:\u{1f600} quote:" backslash:\\';
      const row = execution("odd", {
        status: "error",
        finishedAt: 2_000,
        error: { code: "FUNCTION_ERROR", message: odd },
        metadata: { note: odd },
        trace: { tracestate: odd },
      });
      await store.executions.accept(row);
      expect(await store.executions.get("odd")).toEqual(row);
      await store.functions.put({ name: "f", spec: { description: odd, env: { K: odd } }, createdAt: 1, updatedAt: 1 });
      expect((await store.functions.loadAll())[0]?.spec).toEqual({ description: odd, env: { K: odd } });
      const dead = {
        ...{ id: "d", function: "f", executionId: "odd", input: "{}", metadata: { note: odd } },
        ...{ error: { code: "X", message: odd }, attempts: 1, failedAt: 5, replayedAs: null, rootExecutionId: null },
      };
      await store.dlq.add(dead);
      expect(await store.dlq.get("d")).toEqual(dead);
      await store.executions.accept(execution("after")); // nothing was left behind to poison later batches
      expect((await store.executions.get("after"))?.id).toBe("after");
    });

    test("apikeys: put, replace, load, delete", async () => {
      const store = await fresh();
      const key = {
        id: "k1",
        name: "ci",
        prefix: "nfk_abc123",
        keySha256: "a".repeat(64),
        scopes: ["functions:read", "invoke"],
        tenant: "default",
        createdAt: 5,
        expiresAt: null,
      };
      await store.apikeys.put(key);
      await store.apikeys.put({ ...key, id: "k2", keySha256: "b".repeat(64), expiresAt: 99 });
      await store.apikeys.put({ ...key, name: "ci-renamed" });
      const all = (await store.apikeys.loadAll()).sort((a, b) => a.id.localeCompare(b.id));
      expect(all).toEqual([
        { ...key, name: "ci-renamed" },
        { ...key, id: "k2", keySha256: "b".repeat(64), expiresAt: 99 },
      ]);
      expect(await store.apikeys.delete("k1")).toBe(true);
      expect(await store.apikeys.delete("k1")).toBe(false);
      expect((await store.apikeys.loadAll()).map((k) => k.id)).toEqual(["k2"]);
    });

    test("audit: append is write-behind; list newest first, filtered, with cursor; sweep", async () => {
      const store = await fresh();
      for (let i = 0; i < 10; i++) {
        store.audit.append({
          id: `a${String(i).padStart(2, "0")}`,
          time: 1_000 + i,
          actor: i % 2 ? "apikey:nfk_1" : "anonymous",
          tenant: "default",
          action: i < 5 ? "function.create" : "auth.denied",
          target: i < 5 ? `fn${i}` : null,
          outcome: i < 5 ? "success" : "denied",
          status: i < 5 ? 201 : 401,
          requestId: `r${i}`,
          source: "127.0.0.1",
        });
      }
      await store.audit.flush();
      const all = await collectPages((cursor) => store.audit.list({ limit: 3, cursor }), 3);
      expect(all.map((a) => a.id)).toEqual(["a09", "a08", "a07", "a06", "a05", "a04", "a03", "a02", "a01", "a00"]);
      expect(all[9]).toMatchObject({ target: "fn0", status: 201, requestId: "r0", source: "127.0.0.1" });
      const denied = await store.audit.list({ limit: 10, action: "auth.denied", actor: "apikey:nfk_1", since: 1_006 });
      expect(denied.items.map((a) => a.id)).toEqual(["a09", "a07"]);
      for (const cursor of GARBAGE_CURSORS) {
        await expect(store.audit.list({ limit: 5, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
      }
      expect(await store.audit.sweep(1_005)).toBe(5);
      expect((await store.audit.list({ limit: 10, tenant: "default" })).items.length).toBe(5);
    });

    if (factory.reopen) {
      const reopen = factory.reopen.bind(factory);
      test("everything written survives close and reopen (write-behind rows included)", async () => {
        const store = await fresh();
        await store.functions.put({ name: "f", spec: { image: "x" }, createdAt: 1, updatedAt: 1 });
        await store.executions.accept(execution("acc"));
        store.executions.record(execution("rec", { lane: "sync", status: "success", finishedAt: 2_000 }));
        store.idempotency.publish("f", "key", "acc", Number.MAX_SAFE_INTEGER);
        store.audit.append({
          id: "a1",
          time: 1,
          actor: "anonymous",
          tenant: "default",
          action: "function.create",
          target: "f",
          outcome: "success",
          status: 201,
          requestId: "r",
          source: "local",
        });
        await store.dlq.add({
          ...{ id: "d", function: "f", executionId: "acc", input: "{}", metadata: null, error: null },
          ...{ attempts: 1, failedAt: 5, replayedAs: null, rootExecutionId: null },
        });
        await store.close();
        const again = await reopen(store);
        open.push(again);
        expect((await again.functions.loadAll()).map((f) => f.name)).toEqual(["f"]);
        expect(await again.executions.get("acc")).toEqual(execution("acc"));
        expect((await again.executions.get("rec"))?.status).toBe("success");
        expect((await again.executions.loadUnfinished()).map((r) => r.id)).toEqual(["acc"]);
        expect((await again.idempotency.loadLive(0)).map((k) => k.executionId)).toEqual(["acc"]);
        expect((await again.audit.list({ limit: 5 })).items.map((a) => a.id)).toEqual(["a1"]);
        expect((await again.dlq.get("d"))?.executionId).toBe("acc");
      });
    }
  });
}
