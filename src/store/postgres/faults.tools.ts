/**
 * PostgreSQL tier: the database away, for real — the test stops and restarts the server.
 * At start-up: a bounded retry with backoff, then a clear error; a server that comes up during the
 * retries is used. Later: writes the caller waits on reject with StoreUnavailableError, healthy()
 * is false (readiness 503), write-behind rows are kept and land once the server is back. A row the
 * database refuses for its content (a poison row) is dropped alone; the rest of its batch lands.
 */
import { expect, test } from "bun:test";
import { usePostgresServer } from "../../../test/support/postgres-server";
import { until } from "../../../test/support/until";
import { execution } from "../state-store.contract";
import { StoreUnavailableError } from "../state-store";
import { capturingLogger, expectPoisonRowsIsolated } from "../poison-rows.contract";
import { createPostgresStore } from "./create-postgres-store";

const quick = { initialMs: 20, maxMs: 200 };
const server = usePostgresServer();

test("nothing listening at start-up: retries for the bounded time, then says where and why", async () => {
  const dead = "postgres://nanofaas:secret@127.0.0.1:1/nowhere"; // port 1: nothing listens, refused at once
  const started = performance.now();
  const failure = createPostgresStore(dead, { connectTimeoutMs: 600, backoff: quick });
  await expect(failure).rejects.toBeInstanceOf(StoreUnavailableError);
  await expect(failure).rejects.toThrow(
    /cannot connect to PostgreSQL at postgres:\/\/nanofaas:\*\*\*@127\.0\.0\.1:\d+\/nowhere after \d+ attempts/,
  );
  expect(performance.now() - started).toBeGreaterThanOrEqual(400);
  await expect(failure).rejects.not.toThrow("secret");
});

test("a database that comes up during the start-up retries is used", async () => {
  const url = await server().createDatabase("late");
  await server().stop();
  const opening = createPostgresStore(url, { connectTimeoutMs: 30_000, backoff: quick });
  await Bun.sleep(300);
  await server().start();
  const store = await opening;
  await store.functions.put({ name: "f", spec: {}, createdAt: 1, updatedAt: 1 });
  expect((await store.functions.loadAll()).length).toBe(1);
  await store.close();
}, 60_000);

test("the database goes away and comes back: 503-able errors, unhealthy meanwhile, no write-behind row lost", async () => {
  const url = await server().createDatabase("outage");
  const changes: boolean[] = [];
  const store = await createPostgresStore(url, { backoff: quick, onHealthChange: (healthy) => changes.push(healthy) });
  await store.executions.accept(execution("before"));
  await server().stop();

  await expect(store.executions.accept(execution("during"))).rejects.toBeInstanceOf(StoreUnavailableError);
  expect(store.healthy()).toBe(false);
  expect(changes).toEqual([false]);
  for (let i = 0; i < 50; i++) store.executions.record(execution(`sync${i}`, { lane: "sync", status: "success" }));
  store.executions.record(execution("before", { status: "running", startedAt: 1_001 }));
  store.executions.record(execution("before", { status: "success", finishedAt: 1_002 }));
  store.idempotency.publish("f", "k", "before", Number.MAX_SAFE_INTEGER);
  await expect(store.executions.flush()).rejects.toBeInstanceOf(StoreUnavailableError);
  await expect(store.dlq.list({ limit: 5 })).rejects.toBeInstanceOf(StoreUnavailableError);

  await server().start();
  await until(() => store.healthy(), "the store to see the database again", 15_000);
  expect(changes).toEqual([false, true]);
  await until(async () => (await store.executions.list({ limit: 100 })).items.length === 51, "write-behind rows", {
    timeoutMs: 15_000,
    intervalMs: 50,
  });
  await store.executions.flush();
  expect((await store.executions.get("before"))?.status).toBe("success");
  expect(await store.executions.get("during")).toBeUndefined(); // rejected, so never claimed to be kept
  expect((await store.idempotency.loadLive(0)).map((k) => k.executionId)).toEqual(["before"]);
  await store.executions.accept(execution("after"));
  expect((await store.executions.get("after"))?.status).toBe("queued");
  await store.close();
}, 60_000);

test("an idle store notices the database going away (heartbeat) and coming back", async () => {
  const url = await server().createDatabase("idle");
  const store = await createPostgresStore(url, { backoff: quick, heartbeatMs: 100 });
  await server().stop();
  await until(() => !store.healthy(), "the idle store to see the outage", 10_000);
  await server().start();
  await until(() => store.healthy(), "the idle store to see the database back", 15_000);
  await store.close();
}, 60_000);

test("a database that does not exist fails at once, saying so (no retries: it will not appear)", async () => {
  const url = `postgres://nanofaas@127.0.0.1:${server().port}/no_such_database`;
  const started = performance.now();
  await expect(createPostgresStore(url, { connectTimeoutMs: 20_000 })).rejects.toThrow(/no_such_database/);
  expect(performance.now() - started).toBeLessThan(5_000);
});

test("a NUL in a request-borne string (an audit target) cannot poison the write-behind batches", async () => {
  const store = await createPostgresStore(await server().createDatabase("nul"));
  const event = { time: 1, actor: "anonymous", tenant: "t", action: "function.invoke", outcome: "denied" };
  store.audit.append({ ...event, id: "a1", target: "x\u0000y", status: 401, requestId: "r\u0000", source: "s" });
  store.executions.record(execution("with-nul", { idempotencyKey: "k\u0000" }));
  await store.executions.flush();
  expect((await store.audit.list({ limit: 5 })).items[0]?.target).toBe("x\ufffdy");
  expect((await store.executions.get("with-nul"))?.idempotencyKey).toBe("k\ufffd");
  await store.executions.accept(execution("after"));
  expect((await store.executions.get("after"))?.status).toBe("queued");
  await store.close();
});

test("a poison row in a batch (a NOT NULL violation): only it is dropped and logged, every other row lands", async () => {
  const { logger, lines } = capturingLogger();
  const store = await createPostgresStore(await server().createDatabase("poison"), { logger, behindDelayMs: 5 });
  const poison = await expectPoisonRowsIsolated(store, lines);
  expect(poison.map((l) => l.errno)).toEqual(["23502", "23502"]); // not_null_violation
  await store.close();
});
