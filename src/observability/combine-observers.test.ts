import { describe, expect, test } from "bun:test";
import type { EngineObserver } from "../execution/engine-observer";
import type { ExecutionRecord } from "../execution/execution-record";
import { combineObservers } from "./combine-observers";

const record = { id: "e1" } as ExecutionRecord;

describe("combineObservers", () => {
  test("hooks run in argument order with every argument; absent hooks stay absent", () => {
    const calls: string[] = [];
    class Counting implements EngineObserver {
      constructor(private readonly tag: string) {}
      onRejected(name: string, lane: string, reason: string) {
        calls.push(`${this.tag}:${name}:${lane}:${reason}`); // `this` is bound
      }
    }
    const combined = combineObservers(
      new Counting("a"),
      undefined,
      { onFinished: (r) => void calls.push(`f:${r.id}`) },
      new Counting("b"),
    );
    combined.onRejected?.("fn", "sync", "depth");
    combined.onFinished?.(record);
    expect(calls).toEqual(["a:fn:sync:depth", "b:fn:sync:depth", "f:e1"]);
    expect(combined.onDispatched).toBeUndefined();
  });

  test("a hook only one observer has is that observer's function, not a wrapper", () => {
    const only = { onDispatched: () => {} };
    const combined = combineObservers(only, {});
    expect(combined.onDispatched?.name).toBe("bound onDispatched");
    expect(Object.keys(combined)).toEqual(["onDispatched"]);
  });

  test("a throwing hook does not stop the others; the first error is rethrown after all ran", () => {
    const calls: string[] = [];
    const boom = (tag: string) => () => {
      calls.push(tag);
      throw new Error(tag);
    };
    const combined = combineObservers(
      { onFinished: boom("a") },
      { onFinished: () => void calls.push("b") },
      { onFinished: boom("c") },
    );
    expect(() => combined.onFinished?.(record)).toThrow("a");
    expect(calls).toEqual(["a", "b", "c"]);
  });
});
