import { describe, expect, test } from "bun:test";
import { until } from "../../test/support/until";
import { StoreUnavailableError } from "./state-store";
import { type Batch, PoisonRowError, WriteBatcher } from "./write-batcher";

function recording(fail: () => boolean = () => false) {
  const batches: Batch<string, string>[] = [];
  const batcher = new WriteBatcher<string, string>({
    behindDelayMs: 5,
    commit: (batch) => {
      if (fail()) throw new Error("disk I/O error");
      batches.push({ accepted: [...batch.accepted], behind: [...batch.behind] });
    },
  });
  return { batches, batcher };
}

describe("WriteBatcher", () => {
  test("accepts of one turn are committed together, write-behind rows with them after", async () => {
    const { batches, batcher } = recording();
    batcher.behindWrite("x", "x1");
    await Promise.all([batcher.accept("a"), batcher.accept("b"), batcher.accept("c")]);
    expect(batches).toEqual([{ accepted: ["a", "b", "c"], behind: ["x1"] }]);
  });

  test("accepts that arrive while a commit runs join the next one", async () => {
    let release: () => void = () => {};
    const batches: string[][] = [];
    const batcher = new WriteBatcher<string, string>({
      commit: async (batch) => {
        batches.push([...batch.accepted]);
        if (batches.length === 1) await new Promise<void>((r) => (release = r));
      },
    });
    const first = batcher.accept("a");
    await new Promise((r) => setImmediate(r));
    const later = [batcher.accept("b"), batcher.accept("c")];
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([["a"]]);
    release();
    await Promise.all([first, ...later]);
    expect(batches).toEqual([["a"], ["b", "c"]]);
  });

  test("write-behind coalesces per key and flush resolves after the commit", async () => {
    const { batches, batcher } = recording();
    batcher.behindWrite("e1", "queued");
    batcher.behindWrite("e1", "running");
    batcher.behindWrite("e2", "done");
    await batcher.flush();
    expect(batches).toEqual([{ accepted: [], behind: ["running", "done"] }]);
  });

  test("a failed commit rejects accepts with StoreUnavailableError and keeps write-behind rows for the retry", async () => {
    let failing = true;
    const { batches, batcher } = recording(() => failing);
    batcher.behindWrite("e1", "v1");
    const error = await batcher.accept("a").catch((e) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error.message).toContain("disk I/O error");
    failing = false;
    await batcher.flush();
    expect(batches).toEqual([{ accepted: [], behind: ["v1"] }]);
  });

  test("a newer state queued during a failed commit is not overwritten by the retry", async () => {
    let calls = 0;
    const seen: string[][] = [];
    const batcher = new WriteBatcher<string, string>({
      behindDelayMs: 1,
      commit: (batch) => {
        seen.push([...batch.behind]);
        if (calls++ === 0) {
          batcher.behindWrite("e1", "v2");
          throw new Error("busy");
        }
      },
    });
    batcher.behindWrite("e1", "v1");
    await batcher.flush().catch(() => {});
    await batcher.flush();
    expect(seen.at(-1)).toEqual(["v2"]);
  });

  test("after close, accept is refused", async () => {
    const { batcher } = recording();
    await batcher.close();
    expect(await batcher.accept("a").catch((e) => e)).toBeInstanceOf(StoreUnavailableError);
  });
});

class PoisonError extends Error {}

/**
 * A database that refuses rows starting with "bad" (a data error: fails every time, alone or in a
 * batch) and, while `down`, everything (an outage). Commits are all-or-nothing, like a transaction.
 */
function database() {
  const committed: string[] = [];
  const dropped: { row: string; awaited: boolean }[] = [];
  const attempts: Batch<string, string>[] = [];
  /** Called with each commit's number (1-based) before it runs: a test can take the database down. */
  let beforeCommit: (call: number) => void = () => {};
  const db = {
    down: false,
    committed,
    dropped,
    attempts,
    beforeCommit: (hook: typeof beforeCommit) => (beforeCommit = hook),
  };
  const batcher = new WriteBatcher<string, string>({
    behindDelayMs: 1,
    commit: (batch) => {
      attempts.push({ accepted: [...batch.accepted], behind: [...batch.behind] });
      beforeCommit(attempts.length);
      if (db.down) throw new Error("database is locked");
      const rows = [...batch.accepted, ...batch.behind];
      const bad = rows.find((r) => r.startsWith("bad"));
      if (bad) throw new PoisonError(`NOT NULL constraint failed (${bad})`);
      committed.push(...rows);
    },
    isPoison: (error) => error instanceof PoisonError,
    onPoisonRow: (row, awaited) => dropped.push({ row, awaited }),
  });
  return Object.assign(db, { batcher });
}

describe("WriteBatcher: poison rows vs outages", () => {
  test("a poison accept is refused alone; the other accepts and write-behind rows of its batch are committed", async () => {
    const db = database();
    db.batcher.behindWrite("e1", "w1");
    const results = await Promise.allSettled([
      db.batcher.accept("a"),
      db.batcher.accept("bad-accept"),
      db.batcher.accept("c"),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const refused = (results[1] as PromiseRejectedResult).reason;
    expect(refused).toBeInstanceOf(PoisonRowError);
    expect(refused).toBeInstanceOf(StoreUnavailableError); // still 503 STORE_UNAVAILABLE at the API
    expect(refused.message).toContain("not an outage");
    expect(refused.message).toContain("NOT NULL");
    expect(db.committed).toEqual(["a", "c", "w1"]); // awaited rows first, as in a batch
    expect(db.dropped).toEqual([{ row: "bad-accept", awaited: true }]);
    expect(db.batcher.poisonRows).toBe(1);
  });

  test("a poison write-behind row is dropped and counted; the rest of its batch lands and is not retried", async () => {
    const db = database();
    db.batcher.behindWrite("e1", "w1");
    db.batcher.behindWrite("e2", "bad-behind");
    db.batcher.behindWrite("e3", "w3");
    await db.batcher.flush(); // resolves: nothing is left to write
    expect(db.committed).toEqual(["w1", "w3"]);
    expect(db.dropped).toEqual([{ row: "bad-behind", awaited: false }]);
    expect(db.batcher.poisonRows).toBe(1);
    const tries = db.attempts.length;
    await Bun.sleep(20);
    expect(db.attempts.length).toBe(tries); // not retried forever: the batch is done
    db.batcher.behindWrite("e4", "w4");
    await db.batcher.flush();
    expect(db.committed).toEqual(["w1", "w3", "w4"]);
  });

  test("a batch of one poison row is not tried twice", async () => {
    const db = database();
    db.batcher.behindWrite("e1", "bad-only");
    await db.batcher.flush();
    expect(db.attempts).toEqual([{ accepted: [], behind: ["bad-only"] }]);
    expect(db.dropped).toEqual([{ row: "bad-only", awaited: false }]);
  });

  test("an outage keeps every write-behind row through many failed retries, and they all land after", async () => {
    const db = database();
    db.down = true;
    db.batcher.behindWrite("e1", "w1");
    db.batcher.behindWrite("e2", "w2");
    expect(await db.batcher.accept("a").catch((e) => e)).not.toBeInstanceOf(PoisonRowError);
    await until(() => db.attempts.length >= 4, "several retries during the outage");
    expect(db.dropped).toEqual([]);
    db.down = false;
    await until(() => db.committed.length === 2, "the rows to land after the outage");
    expect(db.committed).toEqual(["w1", "w2"]);
    expect(db.batcher.poisonRows).toBe(0);
  });

  test("an outage met while isolating a poison row keeps the rows not yet written", async () => {
    const db = database();
    db.batcher.behindWrite("e1", "w1");
    db.batcher.behindWrite("e2", "bad-behind");
    db.batcher.behindWrite("e3", "w3");
    // The batch fails on the poison row; the database goes away before the second single-row commit.
    db.beforeCommit((call) => {
      if (call === 3) db.down = true;
    });
    const failed = await db.batcher.flush().catch((e) => e);
    expect(failed).toBeInstanceOf(StoreUnavailableError);
    expect(db.committed).toEqual(["w1"]);
    db.down = false;
    await until(() => db.committed.length === 2, "the kept rows to land");
    expect(db.committed).toEqual(["w1", "w3"]);
    expect(db.dropped).toEqual([{ row: "bad-behind", awaited: false }]);
  });

  test("without isPoison every failure is an outage: nothing is dropped", async () => {
    const { batcher } = recording(() => true);
    batcher.behindWrite("e1", "bad");
    expect(await batcher.flush().catch((e) => e)).toBeInstanceOf(StoreUnavailableError);
    expect(batcher.poisonRows).toBe(0);
    await batcher.close();
  });
});
