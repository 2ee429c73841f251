import { describe, expect, test } from "bun:test";
import { setup } from "../../test/support/engine";
import { type EngineObserver, guardObserver, OBSERVER_HOOKS } from "./engine-observer";

/** An observer every hook of which throws. */
const throwingObserver = (): EngineObserver =>
  Object.fromEntries(
    Object.keys(OBSERVER_HOOKS).map((name) => [
      name,
      () => {
        throw new Error(`${name} broke`);
      },
    ]),
  );

// Regression (issue 13.9): hooks ran unguarded inside dispatch and the terminal transition; a
// throwing onDispatched left the record running with its slot held and never dispatched it.
describe("observer hooks that throw", () => {
  test("executions still dispatch, finish and release their slot; each error is reported with its hook", async () => {
    const reported: string[] = [];
    const { engine, dispatcher, register, settle } = setup({}, undefined, {
      observer: throwingObserver(),
      reportError: (error, what) => reported.push(`${what}: ${(error as Error).message}`),
    });
    register({ name: "f", concurrency: 1, maxRetries: 2 });
    const call = engine.invoke("f", { input: 1 }, {});
    await settle();
    dispatcher.fail(dispatcher.pending[0]); // a retry: onRetryScheduled and onEnqueued throw too
    await settle();
    dispatcher.succeed(dispatcher.pending[0], "done");
    expect(await call).toMatchObject({ status: "success", output: "done" });
    expect(engine.queueStats().get("f")!.inFlight).toBe(0);
    expect(reported).toContain("observer onDispatched: onDispatched broke");
    expect(reported).toContain("observer onRetryScheduled: onRetryScheduled broke");
    expect(reported).toContain("observer onFinished: onFinished broke");
    expect(reported).toContain("observer onSlotsChanged: onSlotsChanged broke");
    const second = engine.invoke("f", { input: 2 }, {});
    await settle();
    dispatcher.succeed(dispatcher.pending[0], "again");
    expect(await second).toMatchObject({ status: "success", output: "again" });
  });

  test("a throwing onRejected does not turn a rejection into another error", async () => {
    const { engine, register, settle } = setup({}, undefined, { observer: throwingObserver(), reportError: () => {} });
    register({ name: "f", concurrency: 1, queueSize: 1 });
    engine.enqueue("f", { input: 1 }, {});
    await settle(); // running: holds the only slot
    engine.enqueue("f", { input: 2 }, {}); // fills the lane
    expect(() => engine.enqueue("f", { input: 3 }, {})).toThrow(expect.objectContaining({ code: "QUEUE_FULL" }));
  });
});

describe("guardObserver", () => {
  test("keeps `this`, passes every argument and leaves absent hooks absent", () => {
    const calls: unknown[][] = [];
    const observer = {
      tag: "t",
      onRejected(this: { tag: string }, name: string, lane: string, reason: string) {
        calls.push([this.tag, name, lane, reason]);
      },
    };
    const guarded = guardObserver(observer as EngineObserver, () => {});
    guarded.onRejected?.("fn", "sync", "depth");
    expect(calls).toEqual([["t", "fn", "sync", "depth"]]);
    expect(Object.keys(guarded)).toEqual(["onRejected"]);
  });
});
