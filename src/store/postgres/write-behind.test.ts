import { expect, test } from "bun:test";
import { GroupCommit } from "./group-commit";
import { WriteBehind } from "./write-behind";

const quick = { initialMs: 1, maxMs: 4 };

/** A writer that fails while `down` is true and records every batch it accepts. */
function flakyWriter() {
  const state = { down: false, batches: [] as number[][], attempts: 0 };
  const write = async (rows: number[]) => {
    state.attempts++;
    await Bun.sleep(1);
    if (state.down) throw new Error("database away");
    state.batches.push(rows);
  };
  return { state, write };
}

test("write-behind: push never blocks, the latest row per key wins, flush waits for durability", async () => {
  const { state, write } = flakyWriter();
  const queue = new WriteBehind<number>(write, { onError: () => {}, active: () => true, backoff: quick });
  queue.push("a", 1);
  queue.push("b", 2);
  queue.push("a", 3);
  await queue.flush();
  expect(state.batches.flat().sort()).toEqual([2, 3]);
  expect(queue.size).toBe(0);
});

test("write-behind: a failed batch is kept and retried; flush rejects meanwhile, nothing is lost", async () => {
  const { state, write } = flakyWriter();
  const errors: unknown[] = [];
  const queue = new WriteBehind<number>(write, { onError: (e) => errors.push(e), active: () => true, backoff: quick });
  state.down = true;
  for (let i = 0; i < 10; i++) queue.push(`k${i}`, i);
  await expect(queue.flush()).rejects.toThrow("database away");
  expect(errors.length).toBeGreaterThan(0);
  queue.push("k0", 100); // a newer state queued during the outage replaces the older one
  state.down = false;
  await queue.flush();
  expect(state.batches.flat().sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]);
});

test("write-behind: batches are capped and written one at a time, in push order", async () => {
  const { state, write } = flakyWriter();
  const queue = new WriteBehind<number>(write, { onError: () => {}, active: () => true, maxBatch: 3 });
  for (let i = 0; i < 8; i++) queue.push(`k${i}`, i);
  await queue.flush();
  expect(state.batches).toEqual([
    [0, 1, 2],
    [3, 4, 5],
    [6, 7],
  ]);
});

test("write-behind: discard drops queued rows of a key prefix; retries stop once inactive", async () => {
  const { state, write } = flakyWriter();
  let active = true;
  const queue = new WriteBehind<number>(write, { onError: () => {}, active: () => active, backoff: quick });
  state.down = true;
  queue.push("f\u0000a", 1);
  queue.push("g\u0000a", 2);
  await expect(queue.flush()).rejects.toThrow();
  queue.discard((key) => key.startsWith("f\u0000"));
  active = false;
  const attempts = state.attempts;
  await Bun.sleep(20);
  expect(state.attempts).toBe(attempts);
  expect(queue.size).toBe(1);
});

test("group commit: calls arriving while a commit is in flight share the next one", async () => {
  const commits: number[][] = [];
  const group = new GroupCommit<number>(async (rows) => {
    await Bun.sleep(5);
    commits.push(rows);
  });
  const first = group.add(0);
  await Bun.sleep(1); // the first commit is in flight now
  await Promise.all([first, ...Array.from({ length: 50 }, (_, i) => group.add(i + 1))]);
  expect(commits.length).toBe(2);
  expect(commits[1]!.length).toBe(50);
});

test("group commit: a failed commit rejects exactly its own calls", async () => {
  let fail = true;
  const group = new GroupCommit<number>(async () => {
    const failing = fail;
    await Bun.sleep(2);
    if (failing) throw new Error("disk full");
  });
  const doomed = [group.add(1), group.add(2)];
  await Bun.sleep(1);
  fail = false;
  const later = group.add(3);
  await expect(Promise.all(doomed)).rejects.toThrow("disk full");
  await later;
});
