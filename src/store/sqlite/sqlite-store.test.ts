import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { until } from "../../../test/support/until";
import { coreRowsContract, row } from "../core-rows.contract";
import { capturingLogger, expectPoisonRowsIsolated } from "../poison-rows.contract";
import { type StateStore, StoreUnavailableError } from "../state-store";
import { PoisonRowError } from "../write-batcher";
import { describeStateStoreContract } from "../state-store.contract";
import { createSqliteStore, openSqliteDatabase, sqliteStoreOn } from "./sqlite-store";

const dir = mkdtempSync(join(tmpdir(), "nanofaas-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const paths = new WeakMap<StateStore, string>();
const openAt = (path: string) => {
  const store = createSqliteStore({ path, behindDelayMs: 5 });
  paths.set(store, path);
  return store;
};

coreRowsContract("sqlite", {
  open: async () => openAt(join(dir, `contract-${files++}.db`)),
  reopen: async (store) => {
    await store.close();
    return openAt(paths.get(store)!);
  },
});

describeStateStoreContract("sqlite", {
  create: async () => openAt(join(dir, `state-${files++}.db`)),
  reopen: async (closed) => openAt(paths.get(closed)!),
});

describe("sqlite store", () => {
  test("opens in WAL mode with the chosen synchronous level", async () => {
    const path = join(dir, "pragmas.db");
    for (const [level, expected] of [
      ["normal", 1],
      ["full", 2],
    ] as const) {
      const db = openSqliteDatabase({ path, synchronous: level });
      expect(db.query<{ journal_mode: string }, []>("PRAGMA journal_mode").get()?.journal_mode).toBe("wal");
      expect(db.query<{ synchronous: number }, []>("PRAGMA synchronous").get()?.synchronous).toBe(expected);
      expect(db.query<{ timeout: number }, []>("PRAGMA busy_timeout").get()?.timeout).toBe(5000);
      db.close();
    }
  });

  test("close checkpoints the WAL into the file and removes it (no statement is left open)", async () => {
    const path = join(dir, "closed.db");
    const store = openAt(path);
    await store.audit.flush();
    await store.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  test("accept resolves only once another connection can read the row", async () => {
    const path = join(dir, "visible.db");
    const store = openAt(path);
    const reader = new Database(path, { readonly: true });
    const count = () => reader.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM executions").get()!.n;
    const accepted = Array.from({ length: 300 }, (_, i) => store.executions.accept(row(`a${i}`)));
    expect(count()).toBe(0); // nothing is committed before the group commit runs
    await Promise.all(accepted);
    expect(count()).toBe(300);
    reader.close();
    await store.close();
  });

  test("a full disk: accept rejects with StoreUnavailableError, healthy() is false, write-behind rows wait and land later", async () => {
    const db = openSqliteDatabase({ path: join(dir, "full.db") });
    const health: boolean[] = [];
    // max_page_count is per connection, so the commits run on this one (the thread's case is below).
    const store = sqliteStoreOn(db, { behindDelayMs: 5, writerThread: false, onHealthChange: (ok) => health.push(ok) });
    const pages = db.query<{ page_count: number }, []>("PRAGMA page_count").get()!.page_count;
    // A real SQLITE_FULL: the database may not grow past its current size.
    db.run(`PRAGMA max_page_count = ${pages}`);
    const big = "x".repeat(64 * 1024);
    store.executions.record(row("behind", { input: JSON.stringify(big) }));
    const rejected = await store.executions.accept(row("a1", { input: JSON.stringify(big) })).catch((e) => e);
    expect(rejected).toBeInstanceOf(StoreUnavailableError);
    expect((rejected as Error).message).toContain("full");
    expect(store.healthy()).toBe(false);
    expect(await store.executions.flush().catch((e) => e)).toBeInstanceOf(StoreUnavailableError);
    db.run("PRAGMA max_page_count = 1073741823");
    await until(() => store.healthy(), "the store to recover");
    await store.executions.flush();
    expect(await store.executions.get("behind")).toBeDefined();
    expect(await store.executions.get("a1")).toBeUndefined(); // refused, so never admitted
    expect(health).toEqual([false, true]);
    expect(store.poisonRows?.()).toBe(0); // a full disk is an outage: nothing was dropped
    await store.close();
  });

  test("the writer thread: a row SQLite refuses is rejected with its SQLite error, and the store stays healthy", async () => {
    const db = openSqliteDatabase({ path: join(dir, "thread.db") });
    const store = sqliteStoreOn(db, { behindDelayMs: 5 });
    // NOT NULL input: the thread's transaction fails and says why; a data error, not an outage.
    const rejected = await store.executions.accept(row("bad", { input: null as unknown as string })).catch((e) => e);
    expect(rejected).toBeInstanceOf(PoisonRowError);
    expect(rejected).toBeInstanceOf(StoreUnavailableError);
    expect((rejected as Error).message).toContain("NOT NULL");
    expect(store.healthy()).toBe(true);
    await store.executions.accept(row("good"));
    // Written by the thread's connection, read back through this one.
    expect((await store.executions.get("good"))?.id).toBe("good");
    expect(store.poisonRows?.()).toBe(1);
    await store.close();
  });

  for (const writerThread of [true, false]) {
    test(`a poison row in a batch (${writerThread ? "writer thread" : "event loop"}): only it is dropped and logged, every other row lands`, async () => {
      const db = openSqliteDatabase({ path: join(dir, `poison-${writerThread}.db`) });
      const { logger, lines } = capturingLogger();
      const store = sqliteStoreOn(db, { behindDelayMs: 5, writerThread, logger });
      const poison = await expectPoisonRowsIsolated(store, lines);
      // The SQLite code survives the writer thread's boundary.
      expect(poison.map((l) => l.code)).toEqual(["SQLITE_CONSTRAINT_NOTNULL", "SQLITE_CONSTRAINT_NOTNULL"]);
      await store.close();
    });
  }

  test("close flushes write-behind rows", async () => {
    const path = join(dir, "close.db");
    const store = openAt(path);
    store.executions.record(row("last", { status: "success", finishedAt: 5 }));
    await store.close();
    const again = openAt(path);
    expect((await again.executions.get("last"))?.status).toBe("success");
    await again.close();
  });
});
