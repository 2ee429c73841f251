/**
 * Several control planes on one store (issue 20): each dispatches at most its share of a
 * function's concurrency and admits its share of the rate limits; a share that grows starts
 * queued work at once.
 */
import { describe, expect, test } from "bun:test";
import { setup } from "../../test/support/engine";

describe("replica share", () => {
  test("concurrency 5 over 2 replicas: rank 0 runs 3 at once, rank 1 runs 2; alone again, 5", async () => {
    const { engine, dispatcher, register, settle } = setup();
    register({ name: "f", concurrency: 5, queueSize: 100 });
    engine.setReplicaShare({ count: 2, rank: 1 });
    for (let i = 0; i < 10; i++) void engine.enqueue("f", { input: i }, {});
    await settle();
    expect(dispatcher.pending).toHaveLength(2);
    expect(engine.queueStats().get("f")!.limit).toBe(2);
    engine.setReplicaShare({ count: 2, rank: 0 });
    await settle();
    expect(dispatcher.pending).toHaveLength(3);
    engine.setReplicaShare({ count: 1, rank: 0 });
    await settle();
    expect(dispatcher.pending).toHaveLength(5);
  });

  test("a function registered after the share was set gets its share too", async () => {
    const { engine, register } = setup();
    engine.setReplicaShare({ count: 4, rank: 3 });
    register({ name: "g", concurrency: 8 });
    expect(engine.queueStats().get("g")!.limit).toBe(2);
  });

  test("a function's rate limit is split: 10/s over 3 replicas admits 3/s on the last rank", async () => {
    const { engine, register } = setup();
    register({ name: "r", rateLimitPerSecond: 10, queueSize: 100, concurrency: 100 });
    engine.setReplicaShare({ count: 3, rank: 2 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, async (_, i) => engine.enqueue("r", { input: i }, {})),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(3);
    expect(outcomes.find((o) => o.status === "rejected")).toMatchObject({
      reason: { code: "RATE_LIMITED", message: "Rate limit of 3/s exceeded for function 'r'" },
    });
  });
});
