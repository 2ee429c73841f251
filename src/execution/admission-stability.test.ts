/**
 * Estimated-wait admission under steady load (issue 15.8), on an injected clock. The unexplained
 * 429s came from dividing the queue by the function's *dispatch rate*, which is its demand: a
 * function that answers in 100 ms but was called three times a second looked like it served
 * three calls a second, so a burst of eight callers was estimated at over 2 s and refused. The
 * estimate now divides by the function's own service time (service-time-window.ts).
 */
import { describe, expect, test } from "bun:test";
import { setup } from "../../test/support/engine";

/** A deterministic pseudo-random sequence (LCG), so the "noisy" load is the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** An engine on a manual clock whose pod takes `serviceMs(function)` per attempt. */
function simulated(serviceMs: (fn: string) => number) {
  let time = 0;
  const now = () => time;
  const harness = setup({}, undefined, { now });
  const finishAt = new Map<object, number>();
  /** Moves the clock to `to`, finishing every attempt due by then (in dispatch order). */
  const advance = async (to: number, step = 5) => {
    for (; time <= to; time += step) {
      for (const entry of harness.dispatcher.pending) {
        if (!finishAt.has(entry)) finishAt.set(entry, time + serviceMs(entry.functionName));
      }
      for (const entry of [...harness.dispatcher.pending]) {
        if (finishAt.get(entry)! <= time) harness.dispatcher.succeed(entry);
      }
      await harness.settle();
    }
    time = to;
  };
  return { ...harness, now, advance };
}

describe("estimated-wait admission under steady load (issue 15.8)", () => {
  test("a burst of 8 callers on a function called 3×/s that answers in 100 ms is admitted", async () => {
    const { engine, register, advance, now } = simulated(() => 100);
    register({ name: "py", concurrency: 1 });
    // 30 s of history: one call every 300 ms (demand ≈ 3.3/s, far below its capacity of 10/s).
    for (let t = 0; t < 30_000; t += 300) {
      const call = engine.invoke("py", { input: t }, {});
      await advance(t + 300);
      expect((await call).status).toBe("success");
    }
    const start = now();
    const burst = Array.from({ length: 8 }, (_, i) =>
      engine.invoke("py", { input: i }, {}).then(
        (o) => o.status,
        (e) => e.rejectReason,
      ),
    );
    await advance(start + 1000);
    // The eighth waits ~700 ms; a demand-based estimate said 7 ÷ 3.3/s ≈ 2.1 s and refused it.
    expect(await Promise.all(burst)).toEqual(Array(8).fill("success"));
  });

  test("8 connections of mixed, noisy load for 5 simulated minutes over functions that keep up: no 429", async () => {
    const random = seeded(15_8);
    const service: Record<string, () => number> = {
      py: () => 60 + random() * 80, // ~100 ms, one at a time (a single-threaded Python pod)
      fast: () => 2 + random() * 6,
      medium: () => 20 + random() * 40,
    };
    const { engine, register, advance, now } = simulated((fn) => Math.round(service[fn]!()));
    register({ name: "py", concurrency: 1 });
    register({ name: "fast", concurrency: 4 });
    register({ name: "medium", concurrency: 2 });
    const names = ["py", "fast", "fast", "medium", "medium"];
    const outcomes = new Map<string, number>();
    const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    const nextAt = Array<number>(8).fill(0);
    const busy = Array<boolean>(8).fill(false);
    const END = 300_000;
    while (now() < END) {
      for (let c = 0; c < 8; c++) {
        if (busy[c] || nextAt[c]! > now()) continue;
        busy[c] = true;
        // Bursty think time: usually short, sometimes a pause, so the callers bunch up.
        const think = random() < 0.2 ? 1000 + random() * 4000 : random() * 50;
        engine
          .invoke(names[Math.floor(random() * names.length)]!, { input: c }, {})
          .then(
            (o) => count(o.status),
            (e) => count(`429 ${e.rejectReason}`),
          )
          .finally(() => {
            busy[c] = false;
            nextAt[c] = now() + think;
          });
      }
      await advance(now() + 5);
    }
    await advance(now() + 3000);
    const rejected = [...outcomes].filter(([key]) => key.startsWith("429"));
    expect(rejected).toEqual([]);
    expect(outcomes.get("success")).toBeGreaterThan(3000);
    expect([...outcomes.keys()]).toEqual(["success"]);
  });
});
