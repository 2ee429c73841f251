import { describe, expect, test } from "bun:test";
import { StoreUnavailableError } from "./state-store";
import { type Batch, WriteBatcher } from "./write-batcher";

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
