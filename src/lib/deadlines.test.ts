import { beforeEach, describe, expect, test } from "bun:test";
import { FakeTimers } from "../../test/fakes/fake-timers";
import { Deadlines } from "./deadlines";

let timers: FakeTimers;
let errors: unknown[];
let deadlines: Deadlines;

beforeEach(() => {
  timers = new FakeTimers();
  errors = [];
  deadlines = new Deadlines({ clock: timers.now, timers, onError: (error) => errors.push(error) });
});

describe("Deadlines", () => {
  test("fires once, at its delay and not before", () => {
    const firedAt: number[] = [];
    deadlines.add(30, () => firedAt.push(timers.now()));
    timers.advance(29);
    expect(firedAt).toEqual([]);
    timers.advance(100);
    expect(firedAt).toEqual([30]);
  });

  test("a cancelled deadline never fires; cancelling twice or after firing is harmless", () => {
    const fired: string[] = [];
    const a = deadlines.add(20, () => fired.push("a"));
    const b = deadlines.add(20, () => fired.push("b"));
    a.cancel();
    a.cancel();
    timers.advance(60);
    expect(fired).toEqual(["b"]);
    b.cancel();
    expect(fired).toEqual(["b"]);
  });

  test("same-length deadlines fire in the order they were set, each at its own time", () => {
    const fired: [string, number][] = [];
    deadlines.add(20, () => fired.push(["first", timers.now()]));
    timers.advance(25);
    deadlines.add(20, () => fired.push(["second", timers.now()]));
    timers.advance(60);
    expect(fired).toEqual([
      ["first", 20],
      ["second", 45],
    ]);
  });

  test("cancelling the oldest entry does not fire the next one early", () => {
    const first = deadlines.add(20, () => {});
    timers.advance(10);
    let secondAt = 0;
    deadlines.add(20, () => {
      secondAt = timers.now();
    });
    first.cancel();
    timers.advance(60);
    expect(secondAt).toBe(30);
  });

  test("different lengths are independent", () => {
    const fired: number[] = [];
    deadlines.add(40, () => fired.push(40));
    deadlines.add(10, () => fired.push(10));
    deadlines.add(0, () => fired.push(0));
    timers.advance(80);
    expect(fired).toEqual([0, 10, 40]);
  });

  test("a deadline may set another of the same length from its callback, with one timer for the list", () => {
    const firedAt: number[] = [];
    const again = () => {
      firedAt.push(timers.now());
      if (firedAt.length < 3) deadlines.add(5, again);
      expect(timers.armed.length).toBeLessThanOrEqual(1);
    };
    deadlines.add(5, again);
    timers.advance(80);
    expect(firedAt).toEqual([5, 10, 15]);
  });

  test("a list whose timer finds it empty is dropped; an empty list's timer does not hold the process", () => {
    deadlines.add(10, () => {}).cancel();
    expect(deadlines.listCount).toBe(1);
    expect(timers.armed.map((t) => t.referenced)).toEqual([false]);
    timers.advance(40);
    expect(deadlines.listCount).toBe(0);
    deadlines.add(10, () => {});
    expect(deadlines.listCount).toBe(1);
  });

  test("many entries: the ones not cancelled all fire, in order, from a single list", () => {
    const fired: number[] = [];
    const handles = Array.from({ length: 1000 }, (_, i) => deadlines.add(15, () => fired.push(i)));
    for (let i = 0; i < handles.length; i += 2) handles[i]!.cancel();
    expect(deadlines.listCount).toBe(1);
    expect(timers.armed.length).toBe(1);
    timers.advance(60);
    expect(fired).toEqual(Array.from({ length: 500 }, (_, i) => 2 * i + 1));
  });

  // Regression (issue 13.8): a throwing callback stopped the loop before re-arming, so every later
  // deadline of that length hung for good.
  test("a callback that throws is reported; the other due entries fire and later ones still fire", () => {
    const fired: string[] = [];
    deadlines.add(10, () => fired.push("before"));
    deadlines.add(10, () => {
      throw new Error("boom");
    });
    deadlines.add(10, () => fired.push("after"));
    timers.advance(5);
    deadlines.add(10, () => fired.push("later"));
    timers.advance(20);
    expect(fired).toEqual(["before", "after", "later"]);
    expect(errors.map((e) => (e as Error).message)).toEqual(["boom"]);
    deadlines.add(10, () => fired.push("next"));
    timers.advance(10);
    expect(fired.at(-1)).toBe("next");
  });

  test("a throwing error reporter does not stop the list either", () => {
    const throwing = new Deadlines({
      clock: timers.now,
      timers,
      onError: () => {
        throw new Error("reporter");
      },
    });
    const fired: string[] = [];
    throwing.add(10, () => {
      throw new Error("boom");
    });
    throwing.add(10, () => fired.push("after"));
    timers.advance(10);
    throwing.add(10, () => fired.push("later"));
    timers.advance(10);
    expect(fired).toEqual(["after", "later"]);
  });
});
