/**
 * Durable state in one process (issue 17): a real control plane on a real SQLite file, a pod that
 * holds its calls, and a "restart" — a second control plane opening the same file while the first
 * one's calls never finish. The SIGKILL test with 5 000 invocations is durable-crash.test.ts.
 */
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ControlPlane } from "../../src/control-plane";
import { silentLogger } from "../../src/observability/logger";
import { recoverState } from "../../src/registry/recover-state";
import { createSqliteStore, openSqliteDatabase, sqliteStoreOn } from "../../src/store/sqlite/sqlite-store";
import { jsonRequest, testControlPlane } from "../support/control-plane";
import { until } from "../support/until";

const dir = mkdtempSync(join(tmpdir(), "nanofaas-durable-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A pod that answers only in phase 2; calls of phase 1 hang until it closes (the "dead" control plane's). */
function holdingPod() {
  const seen: { id: string; attempt: number; phase: number }[] = [];
  let phase = 1;
  const held: (() => void)[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    fetch: async (req) => {
      const body = await req.text();
      seen.push({
        id: req.headers.get("x-execution-id")!,
        attempt: Number(req.headers.get("x-dispatch-attempt")),
        phase,
      });
      if (phase === 1) await new Promise<void>((resolve) => held.push(resolve));
      return new Response(body, { headers: { "content-type": "application/json" } });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    seen,
    startPhase2: () => {
      phase = 2;
    },
    close: () => server.stop(true),
  };
}

const call = (cp: ControlPlane, method: string, path: string, body?: unknown) =>
  cp.app.request(path, body === undefined ? { method } : jsonRequest(method, body));
const enqueue = (cp: ControlPlane, fn: string, input: unknown) =>
  cp.fetch(new Request(`http://localhost/v1/functions/${fn}:enqueue`, jsonRequest("POST", { input })));

describe("durable :enqueue and registration", () => {
  test(":enqueue answers 202 only once the row is committed (another connection reads it)", async () => {
    const path = join(dir, "visible.db");
    const store = createSqliteStore({ path });
    const cp = testControlPlane({}, { store });
    await call(cp, "POST", "/v1/functions", { name: "echo", executionMode: "LOCAL" });
    const raw = '{"input": {"n": 12345678901234567890}}';
    const res = await cp.fetch(new Request("http://localhost/v1/functions/echo:enqueue", jsonRequest("POST", raw)));
    expect(res.status).toBe(202);
    const { executionId } = await res.json();
    const reader = new Database(path, { readonly: true });
    const row = reader.query<{ input: string }, [string]>("SELECT input FROM executions WHERE id = ?").get(executionId);
    expect(row?.input).toBe('{"n": 12345678901234567890}'); // byte for byte
    expect(reader.query("SELECT name FROM functions").all()).toEqual([{ name: "echo" }]);
    reader.close();
    await store.close();
  });

  test("a full disk: :enqueue → 503 STORE_UNAVAILABLE, nothing admitted, readiness 503; back to 202 once it can write", async () => {
    const db = openSqliteDatabase({ path: join(dir, "full.db") });
    // max_page_count is per connection, so the commits run on this one, not on the writer thread.
    const store = sqliteStoreOn(db, { writerThread: false });
    const cp = testControlPlane({}, { store });
    cp.health.phase = "ready";
    await call(cp, "POST", "/v1/functions", { name: "f", executionMode: "LOCAL", queueSize: 1, concurrency: 1 });
    const pages = db.query<{ page_count: number }, []>("PRAGMA page_count").get()!.page_count;
    db.run(`PRAGMA max_page_count = ${pages}`);
    const big = "x".repeat(200_000);
    for (let i = 0; i < 3; i++) {
      const res = await enqueue(cp, "f", big);
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body.error).toBe("STORE_UNAVAILABLE");
      expect(body.message).toContain("could not be persisted");
    }
    expect(cp.engine.pendingCount()).toBe(0); // nothing admitted, and the lane's one place is free again
    expect((await cp.management.request("/readyz")).status).toBe(503);
    expect(
      (await call(cp, "POST", "/v1/functions", { name: "g", executionMode: "LOCAL", env: { BIG: big } })).status,
    ).toBe(503);
    expect((await call(cp, "GET", "/v1/functions/g")).status).toBe(404);
    db.run("PRAGMA max_page_count = 1073741823");
    const res = await enqueue(cp, "f", big);
    expect(res.status).toBe(202);
    expect((await cp.management.request("/readyz")).status).toBe(200);
    await store.close();
  });
});

describe("graceful shutdown on a durable store", () => {
  test("when the grace runs out, unfinished async work stays in the store for the next start; sync calls end", async () => {
    const path = join(dir, "graceful.db");
    const pod = holdingPod();
    const store = createSqliteStore({ path });
    const cp = testControlPlane({}, { store });
    const spec = { executionMode: "POOL", endpointUrl: pod.url, concurrency: 1 };
    await call(cp, "POST", "/v1/functions", { name: "slow", ...spec });
    await call(cp, "POST", "/v1/functions", { name: "sync", ...spec });
    const running = (await (await enqueue(cp, "slow", 1)).json()).executionId;
    const queued = (await (await enqueue(cp, "slow", 2)).json()).executionId;
    const syncCall = cp.fetch(
      new Request("http://localhost/v1/functions/sync:invoke", jsonRequest("POST", { input: 3 })),
    );
    await until(() => pod.seen.length === 2, "the async and the sync call to reach the pod");
    expect(cp.engine.failPending("SHUTDOWN", "grace ran out")).toBe(1); // only the sync call
    expect((await (await syncCall).json()).error.code).toBe("SHUTDOWN");
    pod.startPhase2(); // results arriving now (replicas stopping) must not change the stored state
    await store.close();
    const reopened = createSqliteStore({ path });
    const unfinished = await reopened.executions.loadUnfinished();
    expect(unfinished.map((r) => [r.id, r.status]).sort()).toEqual(
      [
        [running, "running"],
        [queued, "queued"],
      ].sort(),
    );
    await reopened.close();
    pod.close();
  });
});

describe("restart recovery", () => {
  const path = join(dir, "restart.db");
  const pod = holdingPod();
  let first: ControlPlane;
  let second: ControlPlane;
  const ids = { running: "", queued: "", done: "", sync: "" };

  beforeAll(async () => {
    const store1 = createSqliteStore({ path });
    first = testControlPlane({}, { store: store1 });
    const spec = { executionMode: "POOL", endpointUrl: pod.url, concurrency: 1, maxRetries: 3 };
    await call(first, "POST", "/v1/functions", { name: "slow", ...spec });
    await call(first, "POST", "/v1/functions", { name: "sync", ...spec });
    await call(first, "POST", "/v1/functions", { name: "echo", executionMode: "LOCAL" });
    ids.running = (await (await enqueue(first, "slow", 1)).json()).executionId;
    ids.queued = (await (await enqueue(first, "slow", 2)).json()).executionId;
    ids.done = (await (await enqueue(first, "echo", { ok: true })).json()).executionId;
    void first.fetch(new Request("http://localhost/v1/functions/sync:invoke", jsonRequest("POST", { input: 3 })));
    await until(() => pod.seen.length === 2, "the running async call and the sync call to reach the pod");
    ids.sync = pod.seen.find((s) => s.id !== ids.running)!.id;
    await until(async () => (await call(first, "GET", `/v1/executions/${ids.done}`)).ok, "echo to finish");
    await store1.executions.flush(); // what a crash 20 ms later would have on disk

    pod.startPhase2();
    const store2 = createSqliteStore({ path });
    second = testControlPlane({}, { store: store2 });
    const report = await recoverState(
      { store: store2, functions: second.functions, engine: second.engine },
      silentLogger(),
    );
    expect(report).toMatchObject({ functions: 3, requeued: 1, retried: 1, restartedSync: 1, orphaned: 0 });
  });
  afterAll(() => pod.close());

  const view = async (id: string) => (await call(second, "GET", `/v1/executions/${id}`)).json();

  test("functions come back, once each", async () => {
    const names = ((await (await call(second, "GET", "/v1/functions")).json()) as { name: string }[]).map(
      (f) => f.name,
    );
    expect(names).toEqual(["echo", "slow", "sync"]);
  });

  test("the attempt that was running is retried as a new attempt (X-Dispatch-Attempt 2); the queued one keeps attempt 1", async () => {
    await until(async () => (await view(ids.queued)).status === "success", "both async executions to finish");
    expect((await view(ids.running)).status).toBe("success");
    const after = pod.seen.filter((s) => s.phase === 2).map(({ id, attempt }) => ({ id, attempt }));
    expect(after).toEqual([
      { id: ids.running, attempt: 2 },
      { id: ids.queued, attempt: 1 },
    ]);
  });

  test("the sync call in flight ends error CONTROL_PLANE_RESTARTED", async () => {
    const sync = await view(ids.sync!);
    expect(sync.status).toBe("error");
    expect(sync.error.code).toBe("CONTROL_PLANE_RESTARTED");
  });

  test("an execution that finished before the restart is still readable", async () => {
    expect(await view(ids.done!)).toMatchObject({ executionId: ids.done, status: "success", output: { ok: true } });
    expect((await call(second, "GET", "/v1/executions/never-existed")).status).toBe(404);
  });
});
