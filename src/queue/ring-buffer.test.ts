import { describe, expect, test } from "bun:test";
import { memoryUsage } from "bun:jsc";
import { RingBuffer } from "./ring-buffer";

/**
 * A tiny op language so scenarios read as one line each:
 * `+N` push N, `-` shift, `xN` remove(N), `d` drainTo (its count). Every op records its result.
 * Only the buffer's public API is used: the lanes' operations, nothing test-only.
 */
function run(capacity: number, script: string): { buffer: RingBuffer<number>; results: unknown[] } {
  const buffer = new RingBuffer<number>(capacity);
  const results: unknown[] = [];
  for (const op of script.split(" ").filter(Boolean)) {
    if (op.startsWith("+")) results.push(buffer.push(Number(op.slice(1))));
    else if (op === "-") results.push(buffer.shift());
    else if (op.startsWith("x")) results.push(buffer.remove(Number(op.slice(1))));
    else if (op === "d") results.push(buffer.drainTo(() => {}));
    else throw new Error(`bad op ${op}`);
  }
  return { buffer, results };
}

/** Fills the remaining capacity and drains everything: proves head/size are still coherent. */
function expectCoherent(buffer: RingBuffer<number>, contents: number[]): void {
  expect(buffer.size).toBe(contents.length);
  expect(buffer.isEmpty).toBe(contents.length === 0);
  expect(buffer.isFull).toBe(contents.length === buffer.capacity);
  const extra = Array.from({ length: buffer.capacity - contents.length }, (_, i) => 1000 + i);
  for (const item of extra) expect(buffer.push(item)).toBe(true);
  expect(buffer.push(-1)).toBe(false);
  const out: number[] = [];
  for (let item = buffer.shift(); item !== undefined; item = buffer.shift()) out.push(item);
  expect(out).toEqual([...contents, ...extra]);
  expect(buffer.isEmpty).toBe(true);
}

describe("RingBuffer construction", () => {
  test.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])("capacity %p is rejected", (capacity) =>
    expect(() => new RingBuffer(capacity)).toThrow(RangeError),
  );

  test.each([1, 3, 1000])("capacity %d starts empty", (capacity) => {
    const buffer = new RingBuffer<string>(capacity);
    expect([buffer.capacity, buffer.size, buffer.isEmpty, buffer.isFull]).toEqual([capacity, 0, true, false]);
    expect(buffer.shift()).toBeUndefined();
  });
});

describe("RingBuffer push/shift", () => {
  test.each([
    ["FIFO order", 4, "+1 +2 +3 - - -", [true, true, true, 1, 2, 3], []],
    ["shift on empty", 2, "- +7 - -", [undefined, true, 7, undefined], []],
    ["push fails exactly at capacity", 3, "+1 +2 +3 +4", [true, true, true, false], [1, 2, 3]],
    [
      "capacity not rounded to a power of two",
      5,
      "+1 +2 +3 +4 +5 +6",
      [true, true, true, true, true, false],
      [1, 2, 3, 4, 5],
    ],
    ["rejected push changes nothing", 2, "+1 +2 +3 - +4", [true, true, false, 1, true], [2, 4]],
    ["wrap-around", 3, "+1 +2 +3 - - +4 +5 -", [true, true, true, 1, 2, true, true, 3], [4, 5]],
    ["many laps", 2, "+1 - +2 - +3 - +4 +5 - +6", [true, 1, true, 2, true, 3, true, true, 4, true], [5, 6]],
    ["capacity 1", 1, "+1 +2 - +3 - -", [true, false, 1, true, 3, undefined], []],
    ["capacity 1 full", 1, "+9 +8", [true, false], [9]],
    [
      "interleaved",
      4,
      "+1 +2 - +3 +4 +5 - - +6 +7 +8",
      [true, true, 1, true, true, true, 2, 3, true, true, false],
      [4, 5, 6, 7],
    ],
    ["drain then reuse", 3, "+1 +2 - +3 +4 d +5", [true, true, 1, true, true, 3, true], [5]],
  ])("%s", (_name, capacity, script, results, contents) => {
    const { buffer, results: actual } = run(capacity, script);
    expect(actual).toEqual(results);
    expectCoherent(buffer, contents);
  });

  test("falsy items are stored and returned as they are", () => {
    const buffer = new RingBuffer<unknown>(4);
    for (const item of [0, "", false, null]) expect(buffer.push(item)).toBe(true);
    expect([buffer.shift(), buffer.shift(), buffer.shift(), buffer.shift(), buffer.size]).toEqual([
      0,
      "",
      false,
      null,
      0,
    ]);
  });
});

describe("RingBuffer.remove", () => {
  // Setups end with the head at slot 3 of 5, so contents [4,5,6,7,8] straddle the wrap point.
  const wrapped = "+1 +2 +3 +4 - - - +5 +6 +7 +8";
  test.each([
    ["head", 4, "+1 +2 +3", 1, true, [2, 3]],
    ["tail", 4, "+1 +2 +3", 3, true, [1, 2]],
    ["middle", 4, "+1 +2 +3", 2, true, [1, 3]],
    ["only item", 2, "+1", 1, true, []],
    ["absent", 4, "+1 +2 +3", 9, false, [1, 2, 3]],
    ["from empty", 2, "", 1, false, []],
    ["first of duplicates", 4, "+1 +2 +1", 1, true, [2, 1]],
    ["head across the wrap", 5, wrapped, 4, true, [5, 6, 7, 8]],
    ["tail across the wrap", 5, wrapped, 8, true, [4, 5, 6, 7]],
    ["before the wrap", 5, wrapped, 5, true, [4, 6, 7, 8]],
    ["after the wrap", 5, wrapped, 7, true, [4, 5, 6, 8]],
    ["at the wrap", 5, wrapped, 6, true, [4, 5, 7, 8]],
  ])("%s", (_name, capacity, setup, item, found, contents) => {
    const { buffer } = run(capacity, setup);
    expect(buffer.remove(item)).toBe(found);
    expectCoherent(buffer, contents);
  });

  test("compares by identity", () => {
    const buffer = new RingBuffer<{ id: number }>(3);
    const a = { id: 1 };
    buffer.push(a);
    expect(buffer.remove({ id: 1 })).toBe(false);
    expect(buffer.remove(a)).toBe(true);
    expect(buffer.size).toBe(0);
  });
});

describe("RingBuffer.drainTo", () => {
  const wrapped = "+1 +2 +3 - - +4 +5"; // [3,4,5] in capacity 4, wrapping
  test("drainTo hands items over in FIFO order; what the callback pushes stays queued", () => {
    const { buffer } = run(4, wrapped);
    const out: number[] = [];
    const sizes: number[] = [];
    const count = buffer.drainTo((item) => {
      out.push(item);
      sizes.push(buffer.size); // one less than before each call: the item has left the buffer
      if (item < 10) buffer.push(item * 10); // guarded so a drain-until-empty bug ends (and fails)
    });
    expect([count, out, sizes]).toEqual([3, [3, 4, 5], [2, 2, 2]]);
    expectCoherent(buffer, [30, 40, 50]);
  });
});

describe("RingBuffer releases slots", () => {
  // JSC scans the stack conservatively, so one object may survive by accident; a buffer that kept
  // its slots would keep all of them.
  const COUNT = 200;
  function fill(buffer: RingBuffer<object>): WeakRef<object>[] {
    const refs: WeakRef<object>[] = [];
    for (let i = 0; i < COUNT; i++) {
      const item = { i, payload: new Array(16).fill(i) };
      refs.push(new WeakRef(item));
      buffer.push(item);
    }
    return refs;
  }

  function removeEach(buffer: RingBuffer<object>, items: object[]): void {
    for (const item of items) buffer.remove(item);
  }

  type Empty = (b: RingBuffer<object>, items: () => object[]) => void;
  test.each<[string, Empty]>([
    ["shift", (b) => void b.drainTo(() => {})],
    ["remove from the head", (b, items) => removeEach(b, items())],
    ["remove from the tail", (b, items) => removeEach(b, items().reverse())],
  ])("after %s, removed items can be collected", async (_name, empty) => {
    const buffer = new RingBuffer<object>(COUNT + 7);
    for (let i = 0; i < 7; i++) buffer.push({}) && buffer.shift(); // start mid-array so items wrap
    const refs = fill(buffer);
    await Bun.sleep(0); // WeakRef targets stay alive until the end of the job that created them
    empty(buffer, () => refs.map((ref) => ref.deref() as object)); // all alive: the buffer holds them
    expect(buffer.size).toBe(0);
    await Bun.sleep(0);
    Bun.gc(true);
    const alive = refs.filter((ref) => ref.deref() !== undefined).length;
    expect(alive).toBeLessThan(COUNT / 10);
  });
});

describe("RingBuffer does not allocate per operation", () => {
  // JSC's heap figures move only at a collection; the allocator's byte counter moves at once, so
  // a loop that allocates per op grows it by megabytes (about one eden cycle) over 1e6 ops.
  const OPS = 1_000_000;
  function growth(step: (i: number) => void): number {
    let least = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 3; attempt++) {
      Bun.gc(true);
      const before = memoryUsage().current;
      for (let i = 0; i < OPS; i++) step(i);
      least = Math.min(least, memoryUsage().current - before);
    }
    return least;
  }
  const items = Array.from({ length: 256 }, (_, i) => ({ i }));
  const LIMIT = 1024 * 1024;

  test("push+shift at depth 100 stays flat, while an allocating control does not", () => {
    const buffer = new RingBuffer<{ i: number }>(1000);
    for (let i = 0; i < 100; i++) buffer.push(items[i]!);
    const control = new RingBuffer<{ i: number }>(1000);
    expect(growth((i) => void (buffer.push(items[i & 255]!) && buffer.shift()))).toBeLessThan(LIMIT);
    // Proves the measurement can see allocation: the same loop pushing a fresh object per op.
    expect(growth((i) => void (control.push({ i }) && control.shift()))).toBeGreaterThan(LIMIT);
  });
});

describe("RingBuffer matches an array model", () => {
  // Deterministic PRNG (mulberry32) so a failure reproduces from its seed.
  function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  test.each([
    [1, 1],
    [2, 2],
    [3, 7],
    [4, 16],
    [5, 61],
  ])("seed %d, capacity %d: 20 000 random ops agree", (seed, capacity) => {
    const random = prng(seed);
    const buffer = new RingBuffer<number>(capacity);
    const model: number[] = [];
    let next = 0;
    for (let step = 0; step < 20_000; step++) {
      const roll = random();
      if (roll < 0.45) {
        const accepted = model.length < capacity;
        if (accepted) model.push(next);
        expect(buffer.push(next++)).toBe(accepted);
      } else if (roll < 0.8) {
        expect(buffer.shift()).toBe(model.shift());
      } else if (roll < 0.95) {
        const target = next - 1 - Math.floor(random() * (capacity + 2));
        const index = model.indexOf(target);
        if (index >= 0) model.splice(index, 1);
        expect(buffer.remove(target)).toBe(index >= 0);
      } else {
        const drained: number[] = [];
        expect(buffer.drainTo((n) => drained.push(n))).toBe(model.length);
        expect(drained).toEqual(model.splice(0));
      }
      expect(buffer.size).toBe(model.length);
      expect(buffer.isFull).toBe(model.length === capacity);
      expect(buffer.isEmpty).toBe(model.length === 0);
    }
    expectCoherent(buffer, model);
  });
});
