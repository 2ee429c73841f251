/**
 * @module
 * Microbenchmark: RingBuffer vs a plain JS array used as a queue (`push`/`shift`), SPEC §3:
 * "no per-operation allocation; ≥ 3× a plain JS array used as a queue at depth ≥ 100".
 *
 * One op = one push followed by one shift on a queue held at a steady depth (pre-filled with
 * `depth` items), so depth 0 is "push then shift" on an empty queue. Both sides run the same loop
 * shape on the same preallocated items, alternating rounds so that neither gets a warmer machine;
 * the figure per side is the median round. Each depth runs in its own `bun` process: JSC compiles
 * a loop for the profile it first sees (the ring ran ~25 % slower at every depth after warming up
 * at depth 0, and the array loop slows ~4× once it has seen a deep queue), so sharing one process
 * would make each figure depend on the order of the depths.
 *
 * Allocation is measured with the allocator's byte counter (`bun:jsc` memoryUsage().current),
 * because JSC's heap-size figures only move at a collection: a loop that allocates per op shows
 * megabytes of growth across 1e6 ops (about one eden cycle) before the collector catches up, one
 * that does not shows ~0. Each side is measured a few times and the minimum kept, to drop one-off
 * JIT-compilation noise. `retained` is the heap growth between two full collections (leaks).
 *
 *   bun bench/ring-buffer.ts           # table on stdout
 *   bun bench/ring-buffer.ts --json    # Result[] as JSON
 */
import { heapSize, memoryUsage } from "bun:jsc";
import { RingBuffer } from "../src/queue/ring-buffer.ts";

export interface Result {
  /** e.g. "push+shift @ depth 100" */
  name: string;
  depth: number;
  /** push+shift pairs per second, median round. */
  ringOpsPerSec: number;
  arrayOpsPerSec: number;
  /** ringOpsPerSec / arrayOpsPerSec; SPEC §3 wants ≥ 3 at depth ≥ 100. */
  ratio: number;
  /** Allocator growth across `allocOps` pairs without a collection (min of several runs). */
  ringAllocBytes: number;
  arrayAllocBytes: number;
  /** Heap growth between full collections before and after `allocOps` pairs. */
  ringRetainedBytes: number;
  arrayRetainedBytes: number;
  allocOps: number;
}

export type RingBufferBenchResult = Result;

export interface BenchOptions {
  depths?: readonly number[];
  /** Pairs per timed round. */
  opsPerRound?: number;
  rounds?: number;
  /** Pairs per allocation measurement (SPEC: 1e6). */
  allocOps?: number;
  /** One child process per depth (default true); false measures every depth in this process. */
  isolate?: boolean;
}

interface Item {
  v: number;
}

interface Queue {
  push(item: Item): unknown;
  shift(): Item | undefined;
}

const CHILD_FLAG = "--child";
const ITEM_MASK = 1023;
/** Pairs per loop call: short enough that the loops are entered (and compiled) normally, not via OSR. */
const CHUNK = 10_000;
const ITEMS: Item[] = Array.from({ length: ITEM_MASK + 1 }, (_, v) => ({ v }));

// Two copies of the same loop so that each call site stays monomorphic and JITs on its own.
function ringLoop(queue: RingBuffer<Item>, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    queue.push(ITEMS[i & ITEM_MASK]!);
    acc += queue.shift()!.v;
  }
  return acc;
}

function arrayLoop(queue: Item[], n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    queue.push(ITEMS[i & ITEM_MASK]!);
    acc += queue.shift()!.v;
  }
  return acc;
}

function prefill<Q extends Queue>(queue: Q, depth: number): Q {
  for (let i = 0; i < depth; i++) queue.push(ITEMS[i & ITEM_MASK]!);
  return queue;
}

function newRing(depth: number): RingBuffer<Item> {
  return prefill(new RingBuffer<Item>(Math.max(1024, depth * 2)), depth);
}

let sink = 0;

function timeRound(run: () => number, ops: number): number {
  const start = Bun.nanoseconds();
  sink += run();
  return ops / ((Bun.nanoseconds() - start) / 1e9);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

function measureAlloc(run: () => number): { alloc: number; retained: number } {
  let alloc = Number.POSITIVE_INFINITY;
  let retained = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 3; attempt++) {
    Bun.gc(true);
    const heapBefore = heapSize();
    const before = memoryUsage().current;
    sink += run();
    alloc = Math.min(alloc, Math.max(0, memoryUsage().current - before));
    Bun.gc(true);
    retained = Math.min(retained, heapSize() - heapBefore);
  }
  return { alloc, retained };
}

async function benchDepth(depth: number, opsPerRound: number, rounds: number, allocOps: number): Promise<Result> {
  const ring = newRing(depth);
  const array = prefill<Item[]>([], depth);
  const runRing = (n: number) => () => {
    let acc = 0;
    for (let done = 0; done < n; done += CHUNK) acc += ringLoop(ring, CHUNK);
    return acc;
  };
  const runArray = (n: number) => () => {
    let acc = 0;
    for (let done = 0; done < n; done += CHUNK) acc += arrayLoop(array, CHUNK);
    return acc;
  };
  // Warm-up: let both loops reach the optimizing tiers before anything is recorded.
  for (let i = 0; i < 3; i++) {
    sink += runRing(opsPerRound)() + runArray(opsPerRound)();
  }
  const ringRates: number[] = [];
  const arrayRates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    ringRates.push(timeRound(runRing(opsPerRound), opsPerRound));
    arrayRates.push(timeRound(runArray(opsPerRound), opsPerRound));
    await Bun.sleep(0);
  }
  const ringAlloc = measureAlloc(runRing(allocOps));
  const arrayAlloc = measureAlloc(runArray(allocOps));
  if (ring.size !== depth || array.length !== depth) throw new Error("benchmark queues lost their depth");
  const ringOpsPerSec = median(ringRates);
  const arrayOpsPerSec = median(arrayRates);
  return {
    name: `push+shift @ depth ${depth}`,
    depth,
    ringOpsPerSec,
    arrayOpsPerSec,
    ratio: ringOpsPerSec / arrayOpsPerSec,
    ringAllocBytes: ringAlloc.alloc,
    arrayAllocBytes: arrayAlloc.alloc,
    ringRetainedBytes: ringAlloc.retained,
    arrayRetainedBytes: arrayAlloc.retained,
    allocOps,
  };
}

async function benchInChild(depth: number, options: BenchOptions): Promise<Result> {
  const childOptions = JSON.stringify({ ...options, depths: [depth], isolate: false });
  const child = Bun.spawn([process.execPath, import.meta.path, CHILD_FLAG, childOptions], {
    stdout: "pipe",
    stderr: "inherit",
  });
  const [output, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  if (code !== 0) throw new Error(`ring-buffer bench child for depth ${depth} exited with ${code}`);
  return (JSON.parse(output) as Result[])[0]!;
}

/** Runs every depth and returns one Result per depth (for `just bench` and its JSON report). */
export async function runRingBufferBench(options: BenchOptions = {}): Promise<Result[]> {
  const { depths = [0, 100, 1000], opsPerRound = 1_000_000, rounds = 7, allocOps = 1_000_000 } = options;
  const results: Result[] = [];
  for (const depth of depths) {
    results.push(
      options.isolate === false
        ? await benchDepth(depth, opsPerRound, rounds, allocOps)
        : await benchInChild(depth, options),
    );
  }
  if (sink === Number.MIN_VALUE) console.log(sink); // keeps the loops' results observable
  return results;
}

function formatRate(opsPerSec: number): string {
  return `${(opsPerSec / 1e6).toFixed(1)} M/s`;
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(0)} KiB`;
}

function printTable(results: readonly Result[]): void {
  console.log(`RingBuffer vs Array queue — bun ${Bun.version}, one op = push + shift`);
  console.table(
    results.map((r) => ({
      depth: r.depth,
      ring: formatRate(r.ringOpsPerSec),
      array: formatRate(r.arrayOpsPerSec),
      ratio: `${r.ratio.toFixed(2)}×`,
      [`ring alloc/${r.allocOps}`]: formatBytes(r.ringAllocBytes),
      [`array alloc/${r.allocOps}`]: formatBytes(r.arrayAllocBytes),
      "ring retained": formatBytes(r.ringRetainedBytes),
      "array retained": formatBytes(r.arrayRetainedBytes),
    })),
  );
}

if (import.meta.main) {
  const childAt = process.argv.indexOf(CHILD_FLAG);
  if (childAt >= 0) {
    console.log(JSON.stringify(await runRingBufferBench(JSON.parse(process.argv[childAt + 1]!) as BenchOptions)));
  } else {
    const results = await runRingBufferBench();
    if (process.argv.includes("--json")) console.log(JSON.stringify(results, null, 2));
    else printTable(results);
  }
}
