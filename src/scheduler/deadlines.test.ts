import { describe, expect, test } from "bun:test";
import { Deadlines } from "./deadlines";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Deadlines", () => {
  test("fires once, at or after its delay", async () => {
    const deadlines = new Deadlines();
    const start = performance.now();
    let firedAt = 0;
    let fired = 0;
    deadlines.add(30, () => {
      fired++;
      firedAt = performance.now();
    });
    await sleep(80);
    expect(fired).toBe(1);
    expect(firedAt - start).toBeGreaterThanOrEqual(30);
  });

  test("a cancelled deadline never fires; cancelling twice or after firing is harmless", async () => {
    const deadlines = new Deadlines();
    const fired: string[] = [];
    const a = deadlines.add(20, () => fired.push("a"));
    const b = deadlines.add(20, () => fired.push("b"));
    a.cancel();
    a.cancel();
    await sleep(60);
    expect(fired).toEqual(["b"]);
    b.cancel();
    expect(fired).toEqual(["b"]);
  });

  test("same-length deadlines fire in the order they were set, each at its own time", async () => {
    const deadlines = new Deadlines();
    const fired: [string, number][] = [];
    const start = performance.now();
    deadlines.add(20, () => fired.push(["first", performance.now() - start]));
    await sleep(25);
    deadlines.add(20, () => fired.push(["second", performance.now() - start]));
    await sleep(60);
    expect(fired.map(([name]) => name)).toEqual(["first", "second"]);
    expect(fired[1]![1]).toBeGreaterThanOrEqual(45);
  });

  test("cancelling the oldest entry does not fire the next one early", async () => {
    const deadlines = new Deadlines();
    const start = performance.now();
    const first = deadlines.add(20, () => {});
    await sleep(10);
    let secondAt = 0;
    deadlines.add(20, () => {
      secondAt = performance.now() - start;
    });
    first.cancel();
    await sleep(60);
    expect(secondAt).toBeGreaterThanOrEqual(30);
  });

  test("different lengths are independent", async () => {
    const deadlines = new Deadlines();
    const fired: number[] = [];
    deadlines.add(40, () => fired.push(40));
    deadlines.add(10, () => fired.push(10));
    deadlines.add(0, () => fired.push(0));
    await sleep(80);
    expect(fired).toEqual([0, 10, 40]);
  });

  test("a deadline may set another of the same length from its callback", async () => {
    const deadlines = new Deadlines();
    let count = 0;
    const again = () => {
      count++;
      if (count < 3) deadlines.add(5, again);
    };
    deadlines.add(5, again);
    await sleep(80);
    expect(count).toBe(3);
  });

  test("a list whose timer finds it empty is dropped", async () => {
    const deadlines = new Deadlines();
    deadlines.add(10, () => {}).cancel();
    expect(deadlines.listCount).toBe(1);
    await sleep(40);
    expect(deadlines.listCount).toBe(0);
    deadlines.add(10, () => {});
    expect(deadlines.listCount).toBe(1);
  });

  test("many entries: the ones not cancelled all fire, in order, from a single list", async () => {
    const deadlines = new Deadlines();
    const fired: number[] = [];
    const handles = Array.from({ length: 1000 }, (_, i) => deadlines.add(15, () => fired.push(i)));
    for (let i = 0; i < handles.length; i += 2) handles[i]!.cancel();
    expect(deadlines.listCount).toBe(1);
    await sleep(60);
    expect(fired).toEqual(Array.from({ length: 500 }, (_, i) => 2 * i + 1));
  });
});
