import { describe, expect, test } from "bun:test";
import type { Dispatcher } from "../dispatch/dispatcher";
import { setup } from "../../test/support/engine";

/** Every mode sent to `dispatcher`. */
const allModes = (dispatcher: Dispatcher) => ({
  LOCAL: dispatcher,
  POOL: dispatcher,
  DEPLOYMENT: dispatcher,
  REMOTE: dispatcher,
});

// Regression (issue 16.1): dispatchNext had no rejection handler, so a dispatcher that rejected
// kept its slot for good and left the execution running.
describe("a dispatcher that breaks its never-reject contract", () => {
  test.each([
    ["rejects", (): Promise<never> => Promise.reject(new Error("dispatcher bug"))],
    [
      "throws synchronously",
      (): Promise<never> => {
        throw new Error("dispatcher bug");
      },
    ],
  ])("%s: the attempt fails with DISPATCH_ERROR, the slot comes back, the error is reported", async (_, dispatch) => {
    const reported: string[] = [];
    const { engine, register } = setup({}, undefined, {
      dispatchers: allModes({ dispatch }),
      reportError: (error, what) => reported.push(`${what}: ${(error as Error).message}`),
    });
    register({ name: "f", concurrency: 1, maxRetries: 2 });
    const first = await engine.invoke("f", { input: 1 }, {});
    expect(first).toMatchObject({
      status: "error",
      error: { code: "DISPATCH_ERROR", message: "The dispatcher failed unexpectedly" },
    });
    expect(engine.queueStats().get("f")!.inFlight).toBe(0);
    expect(reported).toEqual(["LOCAL dispatcher: dispatcher bug", "LOCAL dispatcher: dispatcher bug"]); // both attempts
    const second = await engine.invoke("f", { input: 2 }, {});
    expect(second.status).toBe("error"); // answered: the only slot was free again
  });
});

describe("slots", () => {
  test("each attempt takes one slot and gives it back once, across retries and late results", async () => {
    const { engine, dispatcher, register, settle } = setup();
    register({ name: "f", concurrency: 2, maxRetries: 2 });
    const stats = () => engine.queueStats().get("f")!;
    const { executionId } = await engine.enqueue("f", { input: 1 }, {});
    await settle();
    expect(stats().inFlight).toBe(1);
    const firstAttempt = dispatcher.pending[0]!;
    dispatcher.fail(firstAttempt);
    await settle();
    expect(stats().inFlight).toBe(1); // the retry holds a slot; the failed attempt's went back
    firstAttempt.resolve({ ok: true, output: "late", coldStart: false, initDurationMs: null }); // a duplicate result
    await settle();
    expect(stats().inFlight).toBe(1);
    dispatcher.succeed(dispatcher.pending[0], "done");
    await settle();
    expect(stats().inFlight).toBe(0);
    expect(engine.execution(executionId)).toMatchObject({ status: "success", output: "done" });
  });

  test("the effective limit stays within 1..concurrency", () => {
    const { engine, register } = setup();
    register({ name: "f", concurrency: 4 });
    const limit = () => engine.queueStats().get("f")!.limit;
    engine.setEffectiveConcurrency("f", 0);
    expect(limit()).toBe(1);
    engine.setEffectiveConcurrency("f", 99);
    expect(limit()).toBe(4);
    engine.setEffectiveConcurrency("f", 2.7);
    expect(limit()).toBe(2);
  });
});

describe("REMOTE sync waits", () => {
  test("a sync caller waits timeoutMs plus the configured Job start-up allowance by default", async () => {
    const { engine, register } = setup({}, undefined, { jobStartupAllowanceMs: 60 });
    register({ name: "job", executionMode: "REMOTE", image: "img", timeoutMs: 20 });
    const started = performance.now();
    const outcome = await engine.invoke("job", { input: 1 }, {}); // the Job never calls back
    expect(outcome.status).toBe("timeout");
    expect(performance.now() - started).toBeGreaterThanOrEqual(79); // 20 + 60, never before
  });
});
