/**
 * Graceful shutdown of the real process (`bun src/main.ts`, SPEC §4): queues are filled against a
 * slow fake pod, then SIGTERM. Readiness must go 503 while work is still running, new invocations
 * must get 503 SHUTTING_DOWN, every accepted execution must reach a terminal state (proved by the
 * per-execution debug log lines), every sync caller must get its answer, and the exit code is 0.
 * A second run with a short grace shows the leftovers failing with code SHUTDOWN instead.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { jsonRequest } from "../support/control-plane";
import { startControlPlane as startProcess } from "../support/control-plane-process";
import { until } from "../support/until";

/** A pod that sleeps `input.ms` and counts the calls it is serving. */
function startSlowPod() {
  const state = { received: 0, answered: 0 };
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    async fetch(request) {
      state.received++;
      const { input } = (await request.json()) as { input: { ms: number } };
      await Bun.sleep(input.ms);
      state.answered++;
      return Response.json({ slept: input.ms });
    },
  });
  return { server, state, url: `http://127.0.0.1:${server.port}/invoke` };
}

/** The real control plane with debug logs (one line per execution event) for the drain to be read. */
const startControlPlane = (env: Record<string, string>) =>
  startProcess({
    NANOFAAS_LOG_LEVEL: "debug",
    // Nothing in this test may be rejected for waiting: the drain is what is under test.
    SYNC_QUEUE_MAX_QUEUE_WAIT: "60s",
    SYNC_QUEUE_MAX_ESTIMATED_WAIT: "60s",
    ...env,
  });

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup) fn();
  cleanup = [];
});

/** Registers a slow POOL function and fills its lanes: `sync` waiting callers, `async` enqueued. */
async function fill(api: string, podUrl: string, sync: number, async: number, ms: number) {
  const reg = await fetch(
    `${api}/v1/functions`,
    jsonRequest("POST", {
      name: "slow",
      executionMode: "POOL",
      endpointUrl: podUrl,
      concurrency: 2,
      queueSize: 50,
      maxRetries: 1,
      timeoutMs: 30_000,
    }),
  );
  expect(reg.status).toBe(201);
  const callers = Array.from({ length: sync }, () =>
    fetch(`${api}/v1/functions/slow:invoke`, jsonRequest("POST", { input: { ms } })).then(async (r) => ({
      status: r.status,
      body: await r.json(),
      at: performance.now(),
    })),
  );
  const enqueued: string[] = [];
  for (let i = 0; i < async; i++) {
    const res = await fetch(`${api}/v1/functions/slow:enqueue`, jsonRequest("POST", { input: { ms } }));
    expect(res.status).toBe(202);
    enqueued.push((await res.json()).executionId);
  }
  return { callers, enqueued };
}

describe("shutdown of the real process", () => {
  test("SIGTERM: readiness 503 first, new calls 503, every accepted execution finishes, sync callers answered, exit 0", async () => {
    const pod = startSlowPod();
    const cp = await startControlPlane({ NANOFAAS_SHUTDOWN_GRACE_MS: "15000" });
    cleanup.push(
      () => cp.child.kill("SIGKILL"),
      () => pod.server.stop(true),
    );
    expect((await fetch(`${cp.management}/readyz`)).status).toBe(200);

    const { callers, enqueued } = await fill(cp.api, pod.url, 6, 6, 250);
    await until(() => pod.state.received >= 2, "the first dispatches", 8000);
    cp.child.kill("SIGTERM");

    // Readiness flips while executions are still running or queued.
    let readyFlippedAt = 0;
    for (const deadline = Date.now() + 5000; readyFlippedAt === 0 && Date.now() < deadline; ) {
      if ((await fetch(`${cp.management}/readyz`)).status === 503) readyFlippedAt = performance.now();
    }
    expect(readyFlippedAt).toBeGreaterThan(0);
    expect(pod.state.answered).toBeLessThan(12);

    const late = await fetch(`${cp.api}/v1/functions/slow:invoke`, jsonRequest("POST", { input: { ms: 1 } }));
    expect(late.status).toBe(503);
    expect(late.headers.get("retry-after")).toBe("1");
    expect(await late.json()).toMatchObject({ error: "SHUTTING_DOWN" });

    const answers = await Promise.all(callers);
    expect(answers.map((a) => [a.status, a.body.status])).toEqual(Array(6).fill([200, "success"]));
    expect(Math.max(...answers.map((a) => a.at))).toBeGreaterThan(readyFlippedAt);

    expect(await cp.exited()).toBe(0);
    const succeeded = new Set(cp.lines.filter((l) => l.msg === "execution succeeded").map((l) => l.executionId));
    const accepted = [
      ...new Set(cp.lines.filter((l) => l.msg === "execution queued").map((l) => l.executionId as string)),
    ];
    expect(accepted).toHaveLength(12);
    expect(accepted.filter((id) => !succeeded.has(id))).toEqual([]);
    for (const id of enqueued) expect(succeeded.has(id)).toBe(true);
    expect(pod.state.answered).toBe(12);

    const order = cp.lines
      .map((l) => l.msg)
      .filter((m) => m === "draining" || m === "execution succeeded" || m === "stopped");
    expect(order[0]).not.toBe("stopped");
    expect(order.indexOf("draining")).toBeLessThan(order.lastIndexOf("execution succeeded"));
    expect(order.at(-1)).toBe("stopped");
    expect(cp.lines.find((l) => l.msg === "stopped")).toMatchObject({ failed: 0 });
  }, 20_000);

  test("SIGINT, grace runs out: leftovers fail with code SHUTDOWN, sync callers still get an answer, exit 0", async () => {
    const pod = startSlowPod();
    const cp = await startControlPlane({ NANOFAAS_SHUTDOWN_GRACE_MS: "300" });
    cleanup.push(
      () => cp.child.kill("SIGKILL"),
      () => pod.server.stop(true),
    );
    const { callers, enqueued } = await fill(cp.api, pod.url, 3, 3, 5000);
    await until(() => pod.state.received >= 2, "the first dispatches", 8000);
    const signalledAt = performance.now();
    cp.child.kill("SIGINT");

    const answers = await Promise.all(callers);
    expect(answers.map((a) => [a.status, a.body.status, a.body.error?.code])).toEqual(
      Array(3).fill([200, "error", "SHUTDOWN"]),
    );
    expect(await cp.exited()).toBe(0);
    expect(performance.now() - signalledAt).toBeLessThan(4000);

    const failed = new Map(cp.lines.filter((l) => l.msg === "execution failed").map((l) => [l.executionId, l.error]));
    for (const id of enqueued) expect(failed.get(id)).toMatchObject({ code: "SHUTDOWN" });
    expect(cp.lines.find((l) => l.msg === "stopped")).toMatchObject({ failed: 6 });
  }, 20_000);

  test("one Ctrl-C through npm → just (SIGINT, then SIGTERM 50 ms later) drains: running work finishes, exit 0", async () => {
    const pod = startSlowPod();
    const cp = await startControlPlane({ NANOFAAS_SHUTDOWN_GRACE_MS: "15000" });
    cleanup.push(
      () => cp.child.kill("SIGKILL"),
      () => pod.server.stop(true),
    );
    const { callers } = await fill(cp.api, pod.url, 2, 2, 600);
    await until(() => pod.state.received >= 2, "the first dispatches");
    cp.child.kill("SIGINT");
    await Bun.sleep(50);
    cp.child.kill("SIGTERM");
    const answers = await Promise.all(callers);
    expect(answers.map((a) => [a.status, a.body.status])).toEqual(Array(2).fill([200, "success"]));
    expect(await cp.exited()).toBe(0);
    expect(cp.lines.find((l) => l.msg === "stopped")).toMatchObject({ failed: 0 });
    expect(pod.state.answered).toBe(4);
  }, 20_000);

  test("drain delay: readiness 503 at once, invocations still admitted for the delay, then 503 SHUTTING_DOWN", async () => {
    const pod = startSlowPod();
    const cp = await startControlPlane({ NANOFAAS_SHUTDOWN_DRAIN_DELAY_MS: "1500" });
    cleanup.push(
      () => cp.child.kill("SIGKILL"),
      () => pod.server.stop(true),
    );
    await fill(cp.api, pod.url, 0, 0, 1);
    const signalledAt = performance.now();
    cp.child.kill("SIGTERM");
    await until(() => cp.lines.find((l) => l.msg.startsWith("draining: readiness is 503")), "the drain-delay line");
    expect((await fetch(`${cp.management}/readyz`)).status).toBe(503);
    const during = await fetch(`${cp.api}/v1/functions/slow:invoke`, jsonRequest("POST", { input: { ms: 1 } }));
    expect(performance.now() - signalledAt).toBeLessThan(1500);
    expect(during.status).toBe(200);
    expect((await during.json()).status).toBe("success");
    await until(() => cp.lines.find((l) => l.msg === "draining"), "the end of the delay", 5000);
    const after = await fetch(`${cp.api}/v1/functions/slow:invoke`, jsonRequest("POST", { input: { ms: 1 } })).catch(
      () => undefined,
    );
    // Either refused in the envelope, or the listener is already closed: never admitted.
    if (after) expect(after.status).toBe(503);
    expect(performance.now() - signalledAt).toBeGreaterThanOrEqual(1400);
    expect(await cp.exited()).toBe(0);
  }, 20_000);
});
