import { describe, expect, test } from "bun:test";
import type { NanofaasError } from "../domain/errors";
import { FunctionSpec } from "../domain/function-spec";
import { resolveFunction } from "../domain/resolved-function";
import { ManualDispatcher, settle } from "../../test/fakes/manual-dispatcher";
import { InvocationEngine, type ReplicaEndpoints } from "./engine";
import { createInMemoryExecutionStore } from "./execution-store";
import { createInMemoryIdempotencyStore } from "./idempotency-store";
import type { RuntimeSettings } from "./runtime-settings";

const defaults = { timeoutMs: 30_000, concurrency: 4, queueSize: 100, maxRetries: 3 };

function setup(overrides: Partial<RuntimeSettings> = {}, replicas?: ReplicaEndpoints) {
  const dispatcher = new ManualDispatcher();
  const settings: RuntimeSettings = {
    rateMaxPerSecond: 1_000_000,
    syncQueueEnabled: true,
    syncQueueAdmissionEnabled: true,
    syncQueueMaxEstimatedWaitMs: 2000,
    syncQueueMaxQueueWaitMs: 2000,
    syncQueueRetryAfterSeconds: 2,
    ...overrides,
  };
  const engine = new InvocationEngine({
    settings,
    syncMaxDepth: 0,
    throughputWindowMs: 30_000,
    dispatchers: { LOCAL: dispatcher, POOL: dispatcher, DEPLOYMENT: dispatcher, REMOTE: dispatcher },
    replicas,
    store: createInMemoryExecutionStore({ ttlMs: 300_000, cleanupTtlMs: 120_000, maxLifetimeMs: 1_800_000 }),
    idempotency: createInMemoryIdempotencyStore(),
    random: () => 0.5, // jitter term = 0
  });
  const register = (spec: Record<string, unknown>) => {
    const fn = resolveFunction(FunctionSpec.parse({ executionMode: "LOCAL", retryBackoff: { baseDelayMs: 0 }, ...spec }), defaults);
    engine.onRegistered(fn);
    return fn;
  };
  return { engine, dispatcher, settings, register };
}

/** Starts a sync call nobody awaits; its eventual rejection (e.g. a queue timeout) is expected. */
const background = (call: Promise<unknown>) => void call.catch(() => undefined);

const rejectionOf = async (promise: Promise<unknown>): Promise<NanofaasError> => {
  try {
    await promise;
  } catch (e) {
    return e as NanofaasError;
  }
  throw new Error("expected a rejection");
};
const syncError = (fn: () => unknown): NanofaasError => {
  try {
    fn();
  } catch (e) {
    return e as NanofaasError;
  }
  throw new Error("expected a throw");
};

describe("dispatch", () => {
  test("enqueue dispatches in the same tick, without a timer", async () => {
    const { engine, dispatcher, register } = setup();
    register({ name: "f" });
    engine.enqueue("f", { input: 1 }, {});
    expect(dispatcher.dispatched.length).toBe(0); // not synchronously inside enqueue…
    await Promise.resolve(); // …but in the microtask of the same tick
    expect(dispatcher.dispatched.length).toBe(1);
  });

  test("concurrency caps in-flight attempts; a release dispatches the next one", async () => {
    const { engine, dispatcher, register } = setup();
    register({ name: "f", concurrency: 2 });
    for (let i = 0; i < 5; i++) engine.enqueue("f", { input: i }, {});
    await settle();
    expect(dispatcher.pending.length).toBe(2);
    dispatcher.succeed(dispatcher.pending[0]);
    await settle();
    expect(dispatcher.pending.length).toBe(2);
    expect(dispatcher.dispatched.length).toBe(3);
    expect(engine.queues.get("f")!.inFlight).toBe(2);
  });

  test("sync is preferred 3:1 but async is never starved", async () => {
    const { engine, dispatcher, register } = setup();
    register({ name: "f", concurrency: 1 });
    engine.enqueue("f", { input: "blocker" }, {});
    await settle();
    for (let i = 0; i < 4; i++) engine.enqueue("f", { input: `a${i}` }, {});
    for (let i = 0; i < 8; i++) background(engine.invoke("f", { input: `s${i}` }, {}));
    const order: unknown[] = [];
    for (let i = 0; i < 13; i++) {
      dispatcher.succeed(dispatcher.pending[0]);
      await settle();
      if (dispatcher.pending[0]) order.push(dispatcher.pending[0].task.record.request.input);
    }
    expect(order.slice(0, 8)).toEqual(["s0", "s1", "s2", "a0", "s3", "s4", "s5", "a1"]);
  });

  test("functions are served round-robin", async () => {
    const { engine, dispatcher, register } = setup();
    for (const name of ["a", "b", "c"]) register({ name, concurrency: 10 });
    for (let i = 0; i < 3; i++) for (const name of ["a", "b", "c"]) engine.enqueue(name, { input: i }, {});
    await settle();
    expect(dispatcher.dispatched.slice(0, 3).map((d) => d.functionName)).toEqual(["a", "b", "c"]);
  });
});

describe("sync invoke", () => {
  test("success → status success with the output", async () => {
    const { engine, dispatcher, register } = setup();
    register({ name: "f" });
    const outcome = engine.invoke("f", { input: 1 }, {});
    await settle();
    dispatcher.succeed(dispatcher.pending[0], { doubled: 2 });
    expect(await outcome).toMatchObject({ status: "success", output: { doubled: 2 }, error: null });
  });

  test("a caller timeout while queued removes the work: never dispatched (SPEC §1.7)", async () => {
    const { engine, dispatcher, register } = setup();
    register({ name: "f", concurrency: 1 });
    background(engine.invoke("f", { input: "running" }, {}));
    const waiting = engine.invoke("f", { input: "queued" }, { timeoutMs: 20 });
    expect((await waiting).status).toBe("timeout");
    dispatcher.succeed(dispatcher.pending[0]);
    await settle();
    expect(dispatcher.dispatched.map((d) => d.task.record.request.input)).toEqual(["running"]);
    expect(engine.queues.get("f")!.sync.size).toBe(0);
  });

  test("a caller timeout while running: timeout now, slot held until the pod answers, late result discarded", async () => {
    const { engine, dispatcher, register } = setup();
    register({ name: "f", concurrency: 1 });
    const outcome = await engine.invoke("f", { input: 1 }, { timeoutMs: 20 });
    expect(outcome.status).toBe("timeout");
    expect(engine.queues.get("f")!.inFlight).toBe(1);
    dispatcher.succeed(dispatcher.pending[0], "late");
    await settle();
    expect(engine.queues.get("f")!.inFlight).toBe(0);
    expect(engine.execution(outcome.executionId)).toMatchObject({ status: "timeout", output: null });
  });

  test("lane full → 429 QUEUE_FULL, reason depth, Retry-After from settings", async () => {
    const { engine, register } = setup();
    register({ name: "f", concurrency: 1, queueSize: 2 });
    background(engine.invoke("f", { input: "running" }, {}));
    await settle();
    background(engine.invoke("f", { input: 1 }, {}));
    background(engine.invoke("f", { input: 2 }, {}));
    const error = await rejectionOf(engine.invoke("f", { input: "over" }, {}));
    expect(error).toMatchObject({ code: "QUEUE_FULL", rejectReason: "depth", retryAfterSeconds: 2 });
  });

  test("estimated wait above the limit → 429 est_wait", async () => {
    const { engine, dispatcher, register } = setup({ syncQueueMaxEstimatedWaitMs: 100 });
    register({ name: "f", concurrency: 1 });
    // Build a dispatch history: 20 quick completions → a known rate.
    for (let i = 0; i < 20; i++) {
      const p = engine.invoke("f", { input: i }, {});
      await settle();
      dispatcher.succeed(dispatcher.pending[0]);
      await p;
    }
    background(engine.invoke("f", { input: "busy" }, {}));
    await settle();
    // ~200 dispatches/s of history: the estimate passes 100 ms once ~20 calls wait in the lane.
    const calls = Array.from({ length: 40 }, (_, i) => engine.invoke("f", { input: i }, { timeoutMs: 50 }));
    const results = await Promise.allSettled(calls);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult | undefined;
    expect(rejected?.reason).toMatchObject({ code: "QUEUE_FULL", rejectReason: "est_wait" });
    expect(results.filter((r) => r.status === "fulfilled").length).toBeGreaterThan(5);
  });

  test("no history → admitted while the lane is not full (never an infinite estimate)", async () => {
    const { engine, register } = setup({ syncQueueMaxEstimatedWaitMs: 1 });
    register({ name: "f", concurrency: 1, queueSize: 5 });
    const calls = [engine.invoke("f", { input: "running" }, { timeoutMs: 30 })];
    await settle();
    for (let i = 0; i < 5; i++) calls.push(engine.invoke("f", { input: i }, { timeoutMs: 30 }));
    const outcomes = await Promise.all(calls);
    expect(outcomes.every((o) => o.status === "timeout")).toBe(true);
  });

  test("waiting longer than the max queue wait → 429 QUEUE_TIMEOUT, reason timeout, never dispatched", async () => {
    const { engine, dispatcher, register } = setup({ syncQueueMaxQueueWaitMs: 20 });
    register({ name: "f", concurrency: 1 });
    background(engine.invoke("f", { input: "running" }, {}));
    const error = await rejectionOf(engine.invoke("f", { input: "queued" }, {}));
    expect(error).toMatchObject({ code: "QUEUE_TIMEOUT", rejectReason: "timeout" });
    dispatcher.finishAll();
    await settle();
    expect(dispatcher.dispatched.length).toBe(1);
  });

  test("a cold start is not a full queue: no 429 timeout while the function has no ready replica", async () => {
    let ready = false;
    const { engine, dispatcher, register } = setup({ syncQueueMaxQueueWaitMs: 20 }, { ready: () => ready, pick: () => "http://pod/invoke" });
    register({ name: "cold", executionMode: "DEPLOYMENT" });
    const outcome = engine.invoke("cold", { input: 1 }, { timeoutMs: 1000 });
    await Bun.sleep(60); // well past the 20 ms max queue wait
    expect(dispatcher.dispatched.length).toBe(0);
    ready = true;
    engine.wakeFunction("cold");
    await settle();
    dispatcher.succeed(dispatcher.pending[0], "warm now");
    expect(await outcome).toMatchObject({ status: "success", output: "warm now" });
  });

  test("with the sync queue disabled, sync calls wait in the async lane", async () => {
    const { engine, dispatcher, register } = setup({ syncQueueEnabled: false });
    register({ name: "f" });
    const outcome = engine.invoke("f", { input: 1 }, {});
    expect(engine.queues.get("f")!.async.size).toBe(1);
    await settle();
    dispatcher.succeed(dispatcher.pending[0]);
    expect((await outcome).status).toBe("success");
  });
});

describe("admission", () => {
  test("global rate limit → 429 RATE_LIMITED reason rate, checked before lookup", () => {
    const { engine, register } = setup({ rateMaxPerSecond: 2 });
    register({ name: "f" });
    engine.enqueue("f", { input: 1 }, {});
    engine.enqueue("f", { input: 1 }, {});
    expect(syncError(() => engine.enqueue("unknown", { input: 1 }, {}))).toMatchObject({ code: "RATE_LIMITED", rejectReason: "rate", retryAfterSeconds: 1 });
  });

  test("per-function rate limit → 429 rate for that function only", () => {
    const { engine, register } = setup();
    register({ name: "slow", rateLimitPerSecond: 1 });
    register({ name: "fast" });
    engine.enqueue("slow", { input: 1 }, {});
    expect(syncError(() => engine.enqueue("slow", { input: 1 }, {}))).toMatchObject({ code: "RATE_LIMITED", rejectReason: "rate" });
    expect(() => engine.enqueue("fast", { input: 1 }, {})).not.toThrow();
  });

  test("async lane full → 429 depth", () => {
    const { engine, register } = setup();
    register({ name: "f", concurrency: 1, queueSize: 1 });
    engine.enqueue("f", { input: 1 }, {});
    expect(syncError(() => engine.enqueue("f", { input: 2 }, {}))).toMatchObject({ code: "QUEUE_FULL", rejectReason: "depth" });
  });

  test("unknown function → NOT_FOUND", () => {
    const { engine } = setup();
    expect(syncError(() => engine.enqueue("nope", { input: 1 }, {}))).toMatchObject({ code: "NOT_FOUND" });
  });

  test("after stopAdmitting → SHUTTING_DOWN", () => {
    const { engine, register } = setup();
    register({ name: "f" });
    engine.stopAdmitting();
    expect(syncError(() => engine.enqueue("f", { input: 1 }, {}))).toMatchObject({ code: "SHUTTING_DOWN" });
  });
});

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

describe("idempotency", () => {
  test(":invoke replays a terminal execution without dispatching again", async () => {
    const { engine, dispatcher, register } = setup();
    register({ name: "f" });
    const first = engine.invoke("f", { input: 1 }, { idempotencyKey: "k" });
    await settle();
    dispatcher.succeed(dispatcher.pending[0], "once");
    const a = await first;
    const b = await engine.invoke("f", { input: 999 }, { idempotencyKey: "k" });
    expect(b).toEqual(a);
    expect(dispatcher.dispatched.length).toBe(1);
  });

  test(":enqueue replays say queued with the original id, even when finished", async () => {
    const { engine, dispatcher, register } = setup();
    register({ name: "f" });
    const first = engine.enqueue("f", { input: 1 }, { idempotencyKey: "k" });
    await settle();
    dispatcher.succeed(dispatcher.pending[0]);
    await settle();
    expect(engine.enqueue("f", { input: 2 }, { idempotencyKey: "k" })).toEqual({ ...first, status: "queued" });
    expect(dispatcher.dispatched.length).toBe(1);
  });

  test("keys are scoped per function", async () => {
    const { engine, register } = setup();
    register({ name: "a" });
    register({ name: "b" });
    const a = engine.enqueue("a", { input: 1 }, { idempotencyKey: "k" });
    const b = engine.enqueue("b", { input: 1 }, { idempotencyKey: "k" });
    expect(a.executionId).not.toBe(b.executionId);
  });

  test("a rejected admission frees the key", () => {
    const { engine, register } = setup();
    register({ name: "f", concurrency: 1, queueSize: 1 });
    engine.enqueue("f", { input: 1 }, {});
    expect(() => engine.enqueue("f", { input: 2 }, { idempotencyKey: "k" })).toThrow();
    engine.queues.get("f")!.async.clear();
    const retried = engine.enqueue("f", { input: 2 }, { idempotencyKey: "k" });
    expect(engine.execution(retried.executionId)).toBeDefined();
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
