import { describe, expect, test } from "bun:test";
import { setup, syncError } from "../../test/support/engine";

describe("admission", () => {
  test("global rate limit → 429 RATE_LIMITED reason rate, checked before lookup", () => {
    const { engine, register } = setup({ rateMaxPerSecond: 2 });
    register({ name: "f" });
    engine.enqueue("f", { input: 1 }, {});
    engine.enqueue("f", { input: 1 }, {});
    expect(syncError(() => engine.enqueue("unknown", { input: 1 }, {}))).toMatchObject({
      code: "RATE_LIMITED",
      rejectReason: "rate",
      retryAfterSeconds: 1,
    });
  });

  test("per-function rate limit → 429 rate for that function only", () => {
    const { engine, register } = setup();
    register({ name: "slow", rateLimitPerSecond: 1 });
    register({ name: "fast" });
    engine.enqueue("slow", { input: 1 }, {});
    expect(syncError(() => engine.enqueue("slow", { input: 1 }, {}))).toMatchObject({
      code: "RATE_LIMITED",
      rejectReason: "rate",
    });
    expect(() => engine.enqueue("fast", { input: 1 }, {})).not.toThrow();
  });

  test("async lane full → 429 depth", () => {
    const { engine, register } = setup();
    register({ name: "f", concurrency: 1, queueSize: 1 });
    engine.enqueue("f", { input: 1 }, {});
    expect(syncError(() => engine.enqueue("f", { input: 2 }, {}))).toMatchObject({
      code: "QUEUE_FULL",
      rejectReason: "depth",
    });
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

describe("idempotency", () => {
  test(":invoke replays a terminal execution without dispatching again", async () => {
    const { engine, dispatcher, register, settle } = setup();
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
    const { engine, dispatcher, register, settle } = setup();
    register({ name: "f" });
    const first = await engine.enqueue("f", { input: 1 }, { idempotencyKey: "k" });
    await settle();
    dispatcher.succeed(dispatcher.pending[0]);
    await settle();
    expect(await engine.enqueue("f", { input: 2 }, { idempotencyKey: "k" })).toEqual({ ...first, status: "queued" });
    expect(dispatcher.dispatched.length).toBe(1);
  });

  test("keys are scoped per function", async () => {
    const { engine, register } = setup();
    register({ name: "a" });
    register({ name: "b" });
    const a = await engine.enqueue("a", { input: 1 }, { idempotencyKey: "k" });
    const b = await engine.enqueue("b", { input: 1 }, { idempotencyKey: "k" });
    expect(a.executionId).not.toBe(b.executionId);
  });

  test("a rejected admission frees the key", async () => {
    const { engine, register } = setup();
    register({ name: "f", concurrency: 1, queueSize: 1 });
    engine.enqueue("f", { input: 1 }, {});
    expect(() => engine.enqueue("f", { input: 2 }, { idempotencyKey: "k" })).toThrow();
    engine.scheduler.drain(); // the first one leaves the lane for its slot
    const retried = await engine.enqueue("f", { input: 2 }, { idempotencyKey: "k" });
    expect(engine.execution(retried.executionId)).toBeDefined();
  });
});

describe("execution ids", () => {
  test("are time-ordered UUIDv7, so a durable store's primary-key index appends instead of writing random pages", async () => {
    const { engine, register } = setup();
    register({ name: "f" });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await engine.enqueue("f", { input: i }, {})).executionId);
      await Bun.sleep(2);
    }
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(3);
  });
});
