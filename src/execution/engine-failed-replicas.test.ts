/**
 * Sync calls to a function whose replicas fail (failed-replicas.ts): refused at admission, or
 * ended when the failure is reported while they wait — in either lane — while async work stays.
 */
import { expect, test } from "bun:test";
import { rejectionOf, setup } from "../../test/support/engine";

function failing(syncQueueEnabled: boolean) {
  let failure: string | undefined;
  const replicas = { ready: () => false, pick: () => undefined, failure: () => failure };
  const env = setup({ syncQueueEnabled }, replicas);
  const fn = env.register({ name: "f", executionMode: "DEPLOYMENT", image: "x" });
  return { ...env, fn, fail: (why: string) => (failure = why) };
}

for (const syncQueueEnabled of [true, false]) {
  test(`a waiting sync call ends with the replica error; queued async work stays (sync queue ${syncQueueEnabled ? "on" : "off"})`, async () => {
    const { engine, fn, fail } = failing(syncQueueEnabled);
    expect(fn.effectiveExecutionMode).toBe("DEPLOYMENT");
    const waiting = engine.invoke("f", { input: 1 }, {});
    const queued = await engine.enqueue("f", { input: 2 }, {});
    fail("handler failed to load: boom");
    engine.replicasFailed("f", "handler failed to load: boom");
    const outcome = await waiting;
    expect(outcome.status).toBe("error");
    expect(outcome.error).toEqual({
      code: "BACKEND_UNAVAILABLE",
      message: "Function 'f' has no ready replica, and its replicas fail: handler failed to load: boom",
    });
    expect(engine.execution(queued.executionId)?.status).toBe("queued");
    const stats = engine.queueStats().get("f")!;
    expect(stats.sync.size + stats.async.size).toBe(1);
  });
}

test("once the replicas fail, a sync call is refused at admission (503, Retry-After) and nothing is recorded", async () => {
  const { engine, fail } = failing(true);
  fail("ImagePullBackOff");
  const error = await rejectionOf(engine.invoke("f", { input: 1 }, {}));
  expect(error.code).toBe("BACKEND_UNAVAILABLE");
  expect(error.retryAfterSeconds).toBe(2);
  expect(engine.pendingCount()).toBe(0);
});

test("a LOCAL function is never refused or ended by a replica failure report", async () => {
  const { engine, register, dispatcher, settle } = setup(
    {},
    { ready: () => false, pick: () => undefined, failure: () => "x" },
  );
  register({ name: "local" });
  const outcome = engine.invoke("local", { input: 1 }, {});
  engine.replicasFailed("local", "x");
  await settle();
  dispatcher.succeed(dispatcher.pending[0]);
  expect((await outcome).status).toBe("success");
});
