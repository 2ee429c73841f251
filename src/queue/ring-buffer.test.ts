import { describe, expect, test } from "bun:test";
import { memoryUsage } from "bun:jsc";
import { RingBuffer } from "./ring-buffer";

/**
 * A tiny op language so scenarios read as one line each:
 * `+N` push N, `-` shift, `?` peek, `xN` remove(N), `c` clear. Every op records its result.
 */
function run(capacity: number, script: string): { buffer: RingBuffer<number>; results: unknown[] } {
  const buffer = new RingBuffer<number>(capacity);
  const results: unknown[] = [];
  for (const op of script.split(" ").filter(Boolean)) {
    if (op.startsWith("+")) results.push(buffer.push(Number(op.slice(1))));
    else if (op === "-") results.push(buffer.shift());
    else if (op === "?") results.push(buffer.peek());
    else if (op.startsWith("x")) results.push(buffer.remove(Number(op.slice(1))));
    else if (op === "c") results.push(buffer.clear());
    else throw new Error(`bad op ${op}`);
  }
  return { buffer, results };
}

/** Fills the remaining capacity and drains everything: proves head/size are still coherent. */
function expectCoherent(buffer: RingBuffer<number>, contents: number[]): void {
  expect(buffer.toArray()).toEqual(contents);
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
    expect([buffer.peek(), buffer.shift()]).toEqual([undefined, undefined]);
  });
});

describe("RingBuffer push/shift/peek", () => {
  test.each([
    ["FIFO order", 4, "+1 +2 +3 - - -", [true, true, true, 1, 2, 3], []],
    ["shift on empty", 2, "- ? +7 - -", [undefined, undefined, true, 7, undefined], []],
    ["push fails exactly at capacity", 3, "+1 +2 +3 +4", [true, true, true, false], [1, 2, 3]],
    [
      "capacity not rounded to a power of two",
      5,
      "+1 +2 +3 +4 +5 +6",
      [true, true, true, true, true, false],
      [1, 2, 3, 4, 5],
    ],
    ["rejected push changes nothing", 2, "+1 +2 +3 - +4", [true, true, false, 1, true], [2, 4]],
    ["wrap-around", 3, "+1 +2 +3 - - +4 +5 - ?", [true, true, true, 1, 2, true, true, 3, 4], [4, 5]],
    ["many laps", 2, "+1 - +2 - +3 - +4 +5 - +6", [true, 1, true, 2, true, 3, true, true, 4, true], [5, 6]],
    ["capacity 1", 1, "+1 +2 ? - +3 - -", [true, false, 1, 1, true, 3, undefined], []],
    ["capacity 1 full", 1, "+9 +8", [true, false], [9]],
    ["peek does not remove", 3, "+1 ? ? +2", [true, 1, 1, true], [1, 2]],
    [
      "interleaved",
      4,
      "+1 +2 - +3 +4 +5 - - +6 +7 +8",
      [true, true, 1, true, true, true, 2, 3, true, true, false],
      [4, 5, 6, 7],
    ],
    ["clear then reuse", 3, "+1 +2 - +3 +4 c +5", [true, true, 1, true, true, undefined, true], [5]],
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

describe("RingBuffer.removeWhere", () => {
  const wrapped = "+1 +2 +3 +4 - - - +5 +6 +7 +8"; // [4,5,6,7,8], head at slot 3 of 5
  const even = (n: number) => n % 2 === 0;
  test.each([
    ["none match", 4, "+1 +3", even, 0, [1, 3]],
    ["all match", 4, "+2 +4 +6", even, 3, []],
    ["empty buffer", 3, "", even, 0, []],
    ["head only", 4, "+2 +3 +5", even, 1, [3, 5]],
    ["tail only", 4, "+1 +3 +4", even, 1, [1, 3]],
    ["across the wrap point", 5, wrapped, even, 3, [5, 7]],
    ["keeps odd across the wrap", 5, wrapped, (n: number) => n % 2 === 1, 2, [4, 6, 8]],
    ["one in the middle across the wrap", 5, wrapped, (n: number) => n === 6, 1, [4, 5, 7, 8]],
    ["capacity 1", 1, "+2", even, 1, []],
  ])("%s", (_name, capacity, setup, predicate, removed, contents) => {
    const { buffer } = run(capacity, setup);
    expect(buffer.removeWhere(predicate)).toBe(removed);
    expectCoherent(buffer, contents);
  });

  test("visits items once each, in FIFO order", () => {
    const { buffer } = run(5, "+1 +2 +3 +4 - - - +5 +6 +7 +8");
    const seen: number[] = [];
    buffer.removeWhere((n) => {
      seen.push(n);
      return false;
    });
    expect(seen).toEqual([4, 5, 6, 7, 8]);
  });

  test("a throwing predicate keeps the unexamined items and a coherent buffer", () => {
    const { buffer } = run(5, "+1 +2 +3 +4 - - - +5 +6 +7 +8");
    expect(() =>
      buffer.removeWhere((n) => {
        if (n === 7) throw new Error("boom");
        return n % 2 === 0;
      }),
    ).toThrow("boom");
    expectCoherent(buffer, [5, 7, 8]);
  });
});

describe("RingBuffer iteration and draining", () => {
  const wrapped = "+1 +2 +3 - - +4 +5"; // [3,4,5] in capacity 4, wrapping
  test("iterator, forEach and toArray follow FIFO order across the wrap", () => {
    const { buffer } = run(4, wrapped);
    const visited: [number, number][] = [];
    buffer.forEach((item, position) => {
      visited.push([item, position]);
    });
    expect([...buffer]).toEqual([3, 4, 5]);
    expect(visited).toEqual([
      [3, 0],
      [4, 1],
      [5, 2],
    ]);
    expect(buffer.toArray()).toEqual([3, 4, 5]);
    expect(buffer.size).toBe(3);
  });

  test("iterating an empty buffer yields nothing", () => {
    expect([...new RingBuffer<number>(2)]).toEqual([]);
  });

  test("drain returns everything in FIFO order and empties the buffer", () => {
    const { buffer } = run(4, wrapped);
    expect(buffer.drain()).toEqual([3, 4, 5]);
    expectCoherent(buffer, []);
  });

  test("drainTo hands items over in FIFO order; what the callback pushes stays queued", () => {
    const { buffer } = run(4, wrapped);
    const out: number[] = [];
    const count = buffer.drainTo((item) => {
      out.push(item);
      expect(buffer.toArray()).not.toContain(item);
      if (item < 10) buffer.push(item * 10); // guarded so a drain-until-empty bug ends (and fails)
    });
    expect([count, out]).toEqual([3, [3, 4, 5]]);
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

  test.each([
    ["shift", (b: RingBuffer<object>) => void b.drainTo(() => {})],
    ["clear", (b: RingBuffer<object>) => b.clear()],
    ["removeWhere", (b: RingBuffer<object>) => void b.removeWhere(() => true)],
    ["remove from the head", (b: RingBuffer<object>) => removeEach(b, [...b])],
    ["remove from the tail", (b: RingBuffer<object>) => removeEach(b, [...b].reverse())],
  ])("after %s, removed items can be collected", async (_name, empty) => {
    const buffer = new RingBuffer<object>(COUNT + 7);
    for (let i = 0; i < 7; i++) buffer.push({}) && buffer.shift(); // start mid-array so items wrap
    const refs = fill(buffer);
    await Bun.sleep(0); // WeakRef targets stay alive until the end of the job that created them
    empty(buffer);
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
      } else if (roll < 0.85) {
        expect(buffer.peek()).toBe(model[0]);
      } else if (roll < 0.92) {
        const target = next - 1 - Math.floor(random() * (capacity + 2));
        const index = model.indexOf(target);
        if (index >= 0) model.splice(index, 1);
        expect(buffer.remove(target)).toBe(index >= 0);
      } else if (roll < 0.98) {
        const modulus = 2 + Math.floor(random() * 3);
        const keep = model.filter((n) => n % modulus !== 0);
        expect(buffer.removeWhere((n) => n % modulus === 0)).toBe(model.length - keep.length);
        model.splice(0, model.length, ...keep);
      } else if (roll < 0.99) {
        expect(buffer.drain()).toEqual(model.splice(0));
      } else {
        buffer.clear();
        model.length = 0;
      }
      expect(buffer.size).toBe(model.length);
      expect(buffer.isFull).toBe(model.length === capacity);
      expect(buffer.toArray()).toEqual(model);
    }
  });
});
