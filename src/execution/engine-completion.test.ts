import { describe, expect, test } from "bun:test";
import { setup, syncError } from "../../test/support/engine";

describe("retries", () => {
  test("maxRetries is the total number of attempts; the last error ends the execution", async () => {
    const { engine, dispatcher, register, settle } = setup();
    register({ name: "f", maxRetries: 3 });
    const { executionId } = await engine.enqueue("f", { input: 1 }, {});
    for (let i = 0; i < 3; i++) {
      await settle();
      dispatcher.fail(dispatcher.pending[0], "POOL_ERROR", `fail ${i + 1}`);
    }
    await settle();
    expect(dispatcher.dispatched.map((d) => d.attempt)).toEqual([1, 2, 3]);
    expect(engine.execution(executionId)).toMatchObject({
      status: "error",
      error: { code: "POOL_ERROR", message: "fail 3" },
    });
    expect(engine.queueStats().get("f")!.inFlight).toBe(0);
  });

  test.each([0, 1])("maxRetries %d means a single attempt", async (maxRetries) => {
    const { engine, dispatcher, register, settle } = setup();
    register({ name: "f", maxRetries });
    const { executionId } = await engine.enqueue("f", { input: 1 }, {});
    await settle();
    dispatcher.fail(dispatcher.pending[0]);
    await settle();
    expect(dispatcher.dispatched.length).toBe(1);
    expect(engine.execution(executionId)!.status).toBe("error");
  });

  test("a retry waits its backoff delay", async () => {
    const { engine, dispatcher, register, settle } = setup();
    register({ name: "f", maxRetries: 2, retryBackoff: { baseDelayMs: 40, jitter: 0 } });
    engine.enqueue("f", { input: 1 }, {});
    await settle();
    dispatcher.fail(dispatcher.pending[0]);
    await settle();
    expect(dispatcher.pending.length).toBe(0);
    await Bun.sleep(60);
    expect(dispatcher.pending.length).toBe(1);
    expect(dispatcher.pending[0]!.attempt).toBe(2);
  });

  test("a retry that finds its lane full ends with the last error", async () => {
    const { engine, dispatcher, register, settle } = setup();
    register({ name: "f", concurrency: 1, queueSize: 1, maxRetries: 3 });
    const first = await engine.enqueue("f", { input: 1 }, {});
    await settle();
    engine.enqueue("f", { input: 2 }, {}); // fills the lane
    dispatcher.fail(dispatcher.pending[0], "POOL_ERROR", "first failed");
    await settle();
    expect(engine.execution(first.executionId)).toMatchObject({ status: "error", error: { message: "first failed" } });
  });
});

describe("callbacks", () => {
  test("REMOTE: the callback completes the attempt and releases the slot once", async () => {
    const { engine, dispatcher, register, settle } = setup();
    register({ name: "f", concurrency: 1, executionMode: "REMOTE", image: "img" });
    const { executionId } = await engine.enqueue("f", { input: 1 }, {});
    await settle();
    engine.complete(executionId, { success: true, output: "from-callback" }, 1);
    expect(engine.queueStats().get("f")!.inFlight).toBe(0);
    dispatcher.succeed(dispatcher.pending[0], "from-response");
    await settle();
    expect(engine.queueStats().get("f")!.inFlight).toBe(0);
    expect(engine.execution(executionId)).toMatchObject({ status: "success", output: "from-callback" });
  });

  test("POOL/DEPLOYMENT: a callback while the HTTP attempt is in flight is ignored; the response decides", async () => {
    const { engine, dispatcher, register, settle } = setup();
    register({ name: "f", executionMode: "POOL", endpointUrl: "http://127.0.0.1:9/invoke" });
    const { executionId } = await engine.enqueue("f", { input: 1 }, {});
    await settle();
    engine.complete(executionId, { success: false, error: { code: "HANDLER_ERROR", message: "from callback" } }, 1);
    expect(engine.execution(executionId)!.status).toBe("running");
    dispatcher.succeed(dispatcher.pending[0], "from-response");
    await settle();
    expect(engine.execution(executionId)).toMatchObject({ status: "success", output: "from-response" });
  });

  test("a callback for a stale attempt is ignored", async () => {
    const { engine, dispatcher, register, settle } = setup();
    register({ name: "f", maxRetries: 3 });
    const { executionId } = await engine.enqueue("f", { input: 1 }, {});
    await settle();
    dispatcher.fail(dispatcher.pending[0]);
    await settle();
    engine.complete(executionId, { success: true, output: "stale" }, 1);
    expect(engine.execution(executionId)!.status).toBe("running");
    dispatcher.succeed(dispatcher.pending[0], "fresh");
    await settle();
    expect(engine.execution(executionId)).toMatchObject({ status: "success", output: "fresh" });
  });

  test("a failure callback without an error object still records an error", async () => {
    const { engine, register, settle } = setup();
    register({ name: "f", maxRetries: 1, executionMode: "REMOTE", image: "img" });
    const { executionId } = await engine.enqueue("f", { input: 1 }, {});
    await settle();
    engine.complete(executionId, { success: false }, undefined);
    expect(engine.execution(executionId)).toMatchObject({ status: "error", error: { code: "FUNCTION_ERROR" } });
  });

  // Regression (issue 13.5): callbacks for work that never ran were applied.
  describe("forged: an attempt that was never dispatched → 409 CONFLICT, nothing changed", () => {
    const queuedBehindOne = async (spec: Record<string, unknown> = {}) => {
      const ctx = setup();
      ctx.register({
        name: "f",
        concurrency: 1,
        maxRetries: 3,
        executionMode: "POOL",
        endpointUrl: "http://127.0.0.1:9/invoke",
        ...spec,
      });
      const running = await ctx.engine.enqueue("f", { input: 1 }, {});
      const queued = await ctx.engine.enqueue("f", { input: 2 }, {});
      await ctx.settle();
      expect(ctx.engine.execution(queued.executionId)!.status).toBe("queued");
      return { ...ctx, running, queued };
    };
    const conflictOf = (call: () => void) => {
      const error = syncError(call);
      expect(error.code).toBe("CONFLICT");
      return error.message;
    };

    test("a success callback does not complete a queued execution; it runs once, later", async () => {
      const { engine, dispatcher, queued, settle } = await queuedBehindOne();
      const message = conflictOf(() =>
        engine.complete(queued.executionId, { success: true, output: "forged" }, undefined),
      );
      expect(message).toBe(
        `Execution '${queued.executionId}' attempt 1 was never dispatched (it is queued); the callback was not applied`,
      );
      expect(engine.execution(queued.executionId)).toMatchObject({ status: "queued", output: null });
      dispatcher.succeed(dispatcher.pending[0], "first");
      await settle();
      dispatcher.succeed(dispatcher.pending[0], "ran");
      await settle();
      expect(engine.execution(queued.executionId)).toMatchObject({ status: "success", output: "ran" });
      expect(dispatcher.dispatched.map((d) => d.executionId).filter((id) => id === queued.executionId)).toHaveLength(1);
    });

    test("an error callback does not requeue a queued execution: dispatched once, no slot leaked", async () => {
      const { engine, dispatcher, queued, settle } = await queuedBehindOne();
      conflictOf(() =>
        engine.complete(queued.executionId, { success: false, error: { code: "X", message: "forged" } }, undefined),
      );
      conflictOf(() =>
        engine.complete(queued.executionId, { success: false, error: { code: "X", message: "forged" } }, 1),
      );
      dispatcher.finishAll();
      await settle();
      dispatcher.finishAll();
      await settle();
      expect(
        dispatcher.dispatched.map((d) => [d.executionId, d.attempt]).filter(([id]) => id === queued.executionId),
      ).toEqual([[queued.executionId, 1]]);
      expect(engine.execution(queued.executionId)!.status).toBe("success");
      expect(engine.queueStats().get("f")!.inFlight).toBe(0);
      expect(dispatcher.pending).toEqual([]);
    });

    test("an attempt above the current one is refused; the running attempt is untouched", async () => {
      const { engine, dispatcher, running, settle } = await queuedBehindOne({ executionMode: "REMOTE", image: "img" });
      conflictOf(() => engine.complete(running.executionId, { success: true, output: "future" }, 2));
      expect(engine.execution(running.executionId)!.status).toBe("running");
      dispatcher.succeed(dispatcher.pending[0], "real");
      await settle();
      expect(engine.execution(running.executionId)).toMatchObject({ status: "success", output: "real" });
    });

    test("REMOTE: a retry waiting for its turn is not completed by a callback without an attempt", async () => {
      const { engine, dispatcher, running } = await queuedBehindOne({
        executionMode: "REMOTE",
        image: "img",
        retryBackoff: { baseDelayMs: 60_000 },
      });
      engine.complete(running.executionId, { success: false, error: { code: "JOB", message: "attempt 1 failed" } }, 1);
      expect(engine.execution(running.executionId)!.status).toBe("queued"); // attempt 2 waits its backoff
      expect(
        conflictOf(() => engine.complete(running.executionId, { success: true, output: "forged" }, undefined)),
      ).toContain("attempt 2 was never dispatched");
      expect(engine.execution(running.executionId)!.status).toBe("queued");
      dispatcher.finishAll();
    });
  });

  test("duplicate callbacks: the first decides, later ones are ignored and change nothing", async () => {
    const { engine, dispatcher, register, settle } = setup();
    register({ name: "f", concurrency: 1, maxRetries: 3, executionMode: "REMOTE", image: "img" });
    const { executionId } = await engine.enqueue("f", { input: 1 }, {});
    await settle();
    engine.complete(executionId, { success: true, output: "first" }, 1);
    engine.complete(executionId, { success: false, error: { code: "X", message: "second" } }, 1);
    engine.complete(executionId, { success: true, output: "third" }, undefined);
    await settle();
    expect(engine.execution(executionId)).toMatchObject({ status: "success", output: "first" });
    expect(dispatcher.dispatched).toHaveLength(1);
    expect(engine.queueStats().get("f")!.inFlight).toBe(0);
  });

  test("unknown ids are ignored", () => {
    const { engine } = setup();
    expect(() => engine.complete("nope", { success: true }, 1)).not.toThrow();
  });
});

describe("function removal", () => {
  test("queued executions fail with FUNCTION_REMOVED; running ones finish", async () => {
    const { engine, dispatcher, register, settle } = setup();
    const fn = register({ name: "f", concurrency: 1 });
    const running = await engine.enqueue("f", { input: 1 }, {});
    const queued = await engine.enqueue("f", { input: 2 }, {});
    await settle();
    engine.onRemoved(fn);
    expect(engine.execution(queued.executionId)).toMatchObject({
      status: "error",
      error: { code: "FUNCTION_REMOVED", message: "Function 'f' was removed before queued execution could run" },
    });
    dispatcher.succeed(dispatcher.pending[0], "done");
    await settle();
    expect(engine.execution(running.executionId)).toMatchObject({ status: "success", output: "done" });
  });
});

describe("shutdown helpers", () => {
  test("failPending ends every non-terminal execution", async () => {
    const { engine, register, settle } = setup();
    register({ name: "f", concurrency: 1 });
    engine.enqueue("f", { input: 1 }, {});
    engine.enqueue("f", { input: 2 }, {});
    await settle();
    expect(engine.pendingCount()).toBe(2);
    expect(engine.failPending("SHUTDOWN", "bye")).toBe(2);
    expect(engine.pendingCount()).toBe(0);
  });
});
