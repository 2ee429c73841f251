import { describe, expect, test } from "bun:test";
import { background, rejectionOf, setup } from "../../test/support/engine";

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
    const { engine, dispatcher, register, settle } = setup();
    register({ name: "f", concurrency: 2 });
    for (let i = 0; i < 5; i++) engine.enqueue("f", { input: i }, {});
    await settle();
    expect(dispatcher.pending.length).toBe(2);
    dispatcher.succeed(dispatcher.pending[0]);
    await settle();
    expect(dispatcher.pending.length).toBe(2);
    expect(dispatcher.dispatched.length).toBe(3);
    expect(engine.queueStats().get("f")!.inFlight).toBe(2);
  });

  test("sync is preferred 3:1 but async is never starved", async () => {
    const { engine, dispatcher, register, settle } = setup();
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
    const { engine, dispatcher, register, settle } = setup();
    for (const name of ["a", "b", "c"]) register({ name, concurrency: 10 });
    for (let i = 0; i < 3; i++) for (const name of ["a", "b", "c"]) engine.enqueue(name, { input: i }, {});
    await settle();
    expect(dispatcher.dispatched.slice(0, 3).map((d) => d.functionName)).toEqual(["a", "b", "c"]);
  });
});

describe("sync invoke", () => {
  test("success → status success with the output", async () => {
    const { engine, dispatcher, register, settle } = setup();
    register({ name: "f" });
    const outcome = engine.invoke("f", { input: 1 }, {});
    await settle();
    dispatcher.succeed(dispatcher.pending[0], { doubled: 2 });
    expect(await outcome).toMatchObject({ status: "success", output: { doubled: 2 }, error: null });
  });

  test("a caller timeout while queued removes the work: never dispatched (SPEC §1.7)", async () => {
    const { engine, dispatcher, register, settle } = setup();
    register({ name: "f", concurrency: 1 });
    background(engine.invoke("f", { input: "running" }, {}));
    const waiting = engine.invoke("f", { input: "queued" }, { timeoutMs: 20 });
    expect((await waiting).status).toBe("timeout");
    dispatcher.succeed(dispatcher.pending[0]);
    await settle();
    expect(dispatcher.dispatched.map((d) => d.task.record.request.input)).toEqual(["running"]);
    expect(engine.queueStats().get("f")!.sync.size).toBe(0);
  });

  test("a caller timeout while running: timeout now, slot held until the pod answers, late result discarded", async () => {
    const { engine, dispatcher, register, settle } = setup();
    register({ name: "f", concurrency: 1 });
    const outcome = await engine.invoke("f", { input: 1 }, { timeoutMs: 20 });
    expect(outcome.status).toBe("timeout");
    expect(engine.queueStats().get("f")!.inFlight).toBe(1);
    dispatcher.succeed(dispatcher.pending[0], "late");
    await settle();
    expect(engine.queueStats().get("f")!.inFlight).toBe(0);
    expect(engine.execution(outcome.executionId)).toMatchObject({ status: "timeout", output: null });
  });

  test("lane full → 429 QUEUE_FULL, reason depth, Retry-After from settings", async () => {
    const { engine, register, settle } = setup();
    register({ name: "f", concurrency: 1, queueSize: 2 });
    background(engine.invoke("f", { input: "running" }, {}));
    await settle();
    background(engine.invoke("f", { input: 1 }, {}));
    background(engine.invoke("f", { input: 2 }, {}));
    const error = await rejectionOf(engine.invoke("f", { input: "over" }, {}));
    expect(error).toMatchObject({ code: "QUEUE_FULL", rejectReason: "depth", retryAfterSeconds: 2 });
  });

  test("estimated wait above the limit → 429 est_wait", async () => {
    let time = 0;
    const { engine, dispatcher, register, settle } = setup({ syncQueueMaxEstimatedWaitMs: 100 }, undefined, {
      now: () => time,
    });
    register({ name: "f", concurrency: 1 });
    // History: 20 attempts of 10 ms each → the estimate is 10 ms per item ahead (one slot).
    for (let i = 0; i < 20; i++) {
      const p = engine.invoke("f", { input: i }, {});
      await settle();
      time += 10;
      dispatcher.succeed(dispatcher.pending[0]);
      await p;
    }
    background(engine.invoke("f", { input: "busy" }, {}));
    await settle();
    // Ahead of the n-th queued call: n-1 queued + the busy slot → n × 10 ms; over 100 ms from n = 11.
    // (Admission is decided synchronously; the admitted calls stay queued on the frozen clock.)
    const rejections: unknown[] = Array(15).fill(undefined);
    for (let i = 0; i < 15; i++) {
      engine.invoke("f", { input: i }, {}).catch((e) => {
        rejections[i] = e;
      });
    }
    await settle();
    expect(rejections.findIndex((r) => r !== undefined)).toBe(10);
    expect(rejections[10]).toMatchObject({ code: "QUEUE_FULL", rejectReason: "est_wait" });
  });

  test("no history → admitted while the lane is not full (never an infinite estimate)", async () => {
    const { engine, register, settle } = setup({ syncQueueMaxEstimatedWaitMs: 1 });
    register({ name: "f", concurrency: 1, queueSize: 5 });
    const calls = [engine.invoke("f", { input: "running" }, { timeoutMs: 30 })];
    await settle();
    for (let i = 0; i < 5; i++) calls.push(engine.invoke("f", { input: i }, { timeoutMs: 30 }));
    const outcomes = await Promise.all(calls);
    expect(outcomes.every((o) => o.status === "timeout")).toBe(true);
  });

  test("waiting longer than the max queue wait → 429 QUEUE_TIMEOUT, reason timeout, never dispatched", async () => {
    const { engine, dispatcher, register, settle } = setup({ syncQueueMaxQueueWaitMs: 20 });
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
    const { engine, dispatcher, register, settle } = setup(
      { syncQueueMaxQueueWaitMs: 20 },
      { ready: () => ready, pick: () => "http://pod/invoke" },
    );
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
    const { engine, dispatcher, register, settle } = setup({ syncQueueEnabled: false });
    register({ name: "f" });
    const outcome = engine.invoke("f", { input: 1 }, {});
    expect(engine.queueStats().get("f")!.async.size).toBe(1);
    await settle();
    dispatcher.succeed(dispatcher.pending[0]);
    expect((await outcome).status).toBe("success");
  });
});
