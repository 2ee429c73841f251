/**
 * The engine's resilience hooks (SPEC-platform §6): circuit breaker gating, retryOn and the global
 * bulkheads, against the ManualDispatcher so every attempt's end is chosen by the test.
 */
import { describe, expect, test } from "bun:test";
import type { PendingAttempt } from "../../test/fakes/manual-dispatcher";
import { background, rejectionOf, setup } from "../../test/support/engine";
import { until } from "../../test/support/until";
import type { RetryClass } from "../resilience/resilience-spec";

const failWith = (entry: PendingAttempt | undefined, retryClass?: RetryClass) =>
  entry!.resolve({
    ok: false,
    error: { code: "POOL_ERROR", message: "boom" },
    coldStart: false,
    initDurationMs: null,
    retryClass,
  });

describe("circuit breaker in the engine", () => {
  test("opens at the threshold: sync calls get 503 CIRCUIT_OPEN, async work waits, a probe closes it", async () => {
    const transitions: string[] = [];
    const { engine, dispatcher, register, settle } = setup({}, undefined, {
      onCircuitTransition: (fn, from, to) => transitions.push(`${fn}:${from}->${to}`),
    });
    register({ name: "f", maxRetries: 1, circuitBreaker: { failureThreshold: 2, resetTimeoutMs: 80 } });
    for (let i = 0; i < 2; i++) background(engine.invoke("f", { input: i }, {}));
    await settle();
    failWith(dispatcher.pending[0]);
    failWith(dispatcher.pending[0]);
    await settle();
    expect(engine.circuit("f")?.state).toBe("OPEN");

    const refused = await rejectionOf(engine.invoke("f", { input: "x" }, {}));
    expect(refused.code).toBe("CIRCUIT_OPEN");
    expect(refused.retryAfterSeconds).toBe(1);
    const queued = await engine.enqueue("f", { input: "async" }, {});
    expect(queued.status).toBe("queued");
    await settle();
    expect(dispatcher.dispatched.length).toBe(2); // nothing reached the dispatcher while OPEN

    await until(() => dispatcher.pending.length === 1, "the half-open probe", { timeoutMs: 5000 });
    expect(engine.circuit("f")?.state).toBe("HALF_OPEN");
    dispatcher.succeed(dispatcher.pending[0]);
    await settle();
    expect(engine.circuit("f")?.state).toBe("CLOSED");
    expect(engine.execution(queued.executionId)?.status).toBe("success");
    expect(transitions).toEqual(["f:CLOSED->OPEN", "f:OPEN->HALF_OPEN", "f:HALF_OPEN->CLOSED"]);
  });

  test("a function without circuitBreaker has no circuit; reset-circuit says so", () => {
    const { engine, register } = setup();
    register({ name: "plain" });
    expect(engine.circuit("plain")).toBeUndefined();
    expect(engine.resetCircuit("plain")).toBe(false);
    expect(() => engine.resetCircuit("missing")).toThrow("not found");
  });

  test("resetCircuit closes an open circuit and dispatches what waited", async () => {
    const { engine, dispatcher, register, settle } = setup();
    register({ name: "f", maxRetries: 1, circuitBreaker: { failureThreshold: 1, resetTimeoutMs: 600_000 } });
    background(engine.invoke("f", { input: 0 }, {}));
    await settle();
    failWith(dispatcher.pending[0]);
    await settle();
    await engine.enqueue("f", { input: "waits" }, {});
    await settle();
    expect(dispatcher.pending.length).toBe(0);
    expect(engine.resetCircuit("f")).toBe(true);
    await settle();
    expect(dispatcher.pending.map((p) => p.task.record.request.input)).toEqual(["waits"]);
  });
});

describe("retryOn", () => {
  test("an unlisted class ends the execution; a listed one and a classless failure are retried", async () => {
    const { engine, dispatcher, register, settle } = setup();
    register({ name: "f", maxRetries: 3, retryOn: ["timeout"] });
    const fiveHundred = await engine.enqueue("f", { input: 1 }, {});
    await settle();
    failWith(dispatcher.pending[0], "5xx");
    await settle();
    expect(engine.execution(fiveHundred.executionId)).toMatchObject({ status: "error", attempts: 1 });

    const timeout = await engine.enqueue("f", { input: 2 }, {});
    await settle();
    failWith(dispatcher.pending[0], "timeout");
    await settle();
    await until(() => dispatcher.pending.length === 1, "the retry");
    failWith(dispatcher.pending[0]);
    await settle();
    await until(() => dispatcher.pending.length === 1, "the second retry");
    dispatcher.succeed(dispatcher.pending[0]);
    await settle();
    expect(engine.execution(timeout.executionId)).toMatchObject({ status: "success", attempts: 3 });
  });
});

describe("bulkheads", () => {
  test("at NANOFAAS_MAX_TOTAL_INFLIGHT a sync call gets 429 bulkhead; async work waits for any slot", async () => {
    const { engine, dispatcher, register, settle } = setup({}, undefined, {
      bulkhead: { maxTotalInFlight: 2, maxTotalJobs: 0 },
    });
    register({ name: "a", concurrency: 10 });
    register({ name: "b", concurrency: 10 });
    background(engine.invoke("a", { input: 1 }, {}));
    background(engine.invoke("a", { input: 2 }, {}));
    await settle();
    expect(engine.totalInFlight).toBe(2);
    const refused = await rejectionOf(engine.invoke("b", { input: 3 }, {}));
    expect(refused).toMatchObject({ code: "QUEUE_FULL", rejectReason: "bulkhead", retryAfterSeconds: 2 });
    await engine.enqueue("b", { input: "async" }, {});
    await settle();
    expect(dispatcher.dispatched.length).toBe(2);
    dispatcher.succeed(dispatcher.pending[0]);
    await settle();
    expect(dispatcher.pending.map((p) => `${p.functionName}:${p.task.record.request.input}`)).toEqual([
      "a:2",
      "b:async",
    ]);
    expect(engine.totalInFlight).toBe(2);
  });

  test("NANOFAAS_MAX_TOTAL_JOBS caps REMOTE work only", async () => {
    const { engine, dispatcher, register, settle } = setup({}, undefined, {
      bulkhead: { maxTotalInFlight: 0, maxTotalJobs: 1 },
    });
    register({ name: "job", executionMode: "REMOTE", image: "img" });
    register({ name: "pool", executionMode: "LOCAL" });
    await engine.enqueue("job", { input: 1 }, {});
    await engine.enqueue("job", { input: 2 }, {});
    await settle();
    expect((await rejectionOf(engine.invoke("job", { input: 3 }, {}))).rejectReason).toBe("bulkhead");
    background(engine.invoke("pool", { input: 4 }, {}));
    await settle();
    expect(dispatcher.pending.map((p) => p.functionName)).toEqual(["job", "pool"]);
  });
});
