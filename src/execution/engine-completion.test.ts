import { describe, expect, test } from "bun:test";
import { settle } from "../../test/fakes/manual-dispatcher";
import { setup } from "../../test/support/engine";

describe("retries", () => {
  test("maxRetries is the total number of attempts; the last error ends the execution", async () => {
    const { engine, dispatcher, register } = setup();
    register({ name: "f", maxRetries: 3 });
    const { executionId } = engine.enqueue("f", { input: 1 }, {});
    for (let i = 0; i < 3; i++) {
      await settle();
      dispatcher.fail(dispatcher.pending[0], "POOL_ERROR", `fail ${i + 1}`);
    }
    await settle();
    expect(dispatcher.dispatched.map((d) => d.attempt)).toEqual([1, 2, 3]);
    expect(engine.execution(executionId)).toMatchObject({ status: "error", error: { code: "POOL_ERROR", message: "fail 3" } });
    expect(engine.queues.get("f")!.inFlight).toBe(0);
  });

  test.each([0, 1])("maxRetries %d means a single attempt", async (maxRetries) => {
    const { engine, dispatcher, register } = setup();
    register({ name: "f", maxRetries });
    const { executionId } = engine.enqueue("f", { input: 1 }, {});
    await settle();
    dispatcher.fail(dispatcher.pending[0]);
    await settle();
    expect(dispatcher.dispatched.length).toBe(1);
    expect(engine.execution(executionId)!.status).toBe("error");
  });

  test("a retry waits its backoff delay", async () => {
    const { engine, dispatcher, register } = setup();
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
    const { engine, dispatcher, register } = setup();
    register({ name: "f", concurrency: 1, queueSize: 1, maxRetries: 3 });
    const first = engine.enqueue("f", { input: 1 }, {});
    await settle();
    engine.enqueue("f", { input: 2 }, {}); // fills the lane
    dispatcher.fail(dispatcher.pending[0], "POOL_ERROR", "first failed");
    await settle();
    expect(engine.execution(first.executionId)).toMatchObject({ status: "error", error: { message: "first failed" } });
  });
});

describe("callbacks", () => {
  test("REMOTE: the callback completes the attempt and releases the slot once", async () => {
    const { engine, dispatcher, register } = setup();
    register({ name: "f", concurrency: 1, executionMode: "REMOTE", image: "img" });
    const { executionId } = engine.enqueue("f", { input: 1 }, {});
    await settle();
    engine.complete(executionId, { success: true, output: "from-callback" }, 1);
    expect(engine.queues.get("f")!.inFlight).toBe(0);
    dispatcher.succeed(dispatcher.pending[0], "from-response");
    await settle();
    expect(engine.queues.get("f")!.inFlight).toBe(0);
    expect(engine.execution(executionId)).toMatchObject({ status: "success", output: "from-callback" });
  });

  test("POOL/DEPLOYMENT: a callback while the HTTP attempt is in flight is ignored; the response decides", async () => {
    const { engine, dispatcher, register } = setup();
    register({ name: "f", executionMode: "POOL", endpointUrl: "http://127.0.0.1:9/invoke" });
    const { executionId } = engine.enqueue("f", { input: 1 }, {});
    await settle();
    engine.complete(executionId, { success: false, error: { code: "HANDLER_ERROR", message: "from callback" } }, 1);
    expect(engine.execution(executionId)!.status).toBe("running");
    dispatcher.succeed(dispatcher.pending[0], "from-response");
    await settle();
    expect(engine.execution(executionId)).toMatchObject({ status: "success", output: "from-response" });
  });

  test("a callback for a stale attempt is ignored", async () => {
    const { engine, dispatcher, register } = setup();
    register({ name: "f", maxRetries: 3 });
    const { executionId } = engine.enqueue("f", { input: 1 }, {});
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
    const { engine, register } = setup();
    register({ name: "f", maxRetries: 1, executionMode: "REMOTE", image: "img" });
    const { executionId } = engine.enqueue("f", { input: 1 }, {});
    await settle();
    engine.complete(executionId, { success: false }, undefined);
    expect(engine.execution(executionId)).toMatchObject({ status: "error", error: { code: "FUNCTION_ERROR" } });
  });

  test("unknown ids are ignored", () => {
    const { engine } = setup();
    expect(() => engine.complete("nope", { success: true }, 1)).not.toThrow();
  });
});

describe("function removal", () => {
  test("queued executions fail with FUNCTION_REMOVED; running ones finish", async () => {
    const { engine, dispatcher, register } = setup();
    const fn = register({ name: "f", concurrency: 1 });
    const running = engine.enqueue("f", { input: 1 }, {});
    const queued = engine.enqueue("f", { input: 2 }, {});
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
    const { engine, register } = setup();
    register({ name: "f", concurrency: 1 });
    engine.enqueue("f", { input: 1 }, {});
    engine.enqueue("f", { input: 2 }, {});
    await settle();
    expect(engine.pendingCount()).toBe(2);
    expect(engine.failPending("SHUTDOWN", "bye")).toBe(2);
    expect(engine.pendingCount()).toBe(0);
  });
});
