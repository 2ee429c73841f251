import { describe, expect, test } from "bun:test";
import { HealthState } from "./health";
import { createLogger } from "./logger";
import { createShutdown, type Drainable, SIGNAL_DEBOUNCE_MS, type ShutdownDeps } from "./shutdown";

/** An engine with `pending` executions that finish when the test says so. */
function fakeEngine(pending: number) {
  const events: string[] = [];
  const engine: Drainable & { pending: number; admitting: boolean } = {
    pending,
    admitting: true,
    stopAdmitting() {
      this.admitting = false;
      events.push("stopAdmitting");
    },
    pendingCount() {
      return this.pending;
    },
    failPending(code) {
      events.push(`failPending:${code}:${this.pending}`);
      const n = this.pending;
      this.pending = 0;
      return n;
    },
  };
  return { engine, events };
}

function setup(pending: number, graceMs: number, over: Partial<ShutdownDeps> = {}) {
  const { engine, events } = fakeEngine(pending);
  const health = new HealthState();
  health.phase = "ready";
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: "info", destination: { write: (l: string) => void lines.push(JSON.parse(l)) } });
  const closed: string[] = [];
  const shutdown = createShutdown({
    engine,
    health,
    graceMs,
    logger,
    pollMs: 5,
    ...over,
    closers: [
      { name: "broken", close: () => Promise.reject(new Error("nope")) },
      { name: "deployer", close: () => void closed.push("deployer") },
    ],
  });
  return { engine, events, health, shutdown, lines, closed };
}

describe("shutdown drain", () => {
  test("readiness goes 503 and admission stops at once; waits for running work; closers run; report", async () => {
    const { engine, health, shutdown, closed, lines } = setup(2, 5000);
    const done = shutdown.begin("SIGTERM");
    expect(health.phase).toBe("draining");
    expect(health.ready).toBe(false);
    expect(health.live).toBe(true);
    expect(engine.admitting).toBe(false);
    await Bun.sleep(30);
    expect(health.phase).toBe("draining"); // still waiting for the two executions
    engine.pending = 0;
    expect(await done).toMatchObject({ drained: 2, failed: 0 });
    expect(health.phase).toBe("stopped");
    expect(closed).toEqual(["deployer"]); // the broken closer did not stop the others
    expect(lines.map((l) => l.msg)).toEqual(["draining", "error while shutting down", "stopped"]);
  });

  test("when the grace runs out the rest fail with code SHUTDOWN", async () => {
    const { events, shutdown } = setup(3, 40);
    const started = Date.now();
    expect(await shutdown.begin("SIGTERM")).toMatchObject({ drained: 0, failed: 3 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(events).toEqual(["stopAdmitting", "failPending:SHUTDOWN:3"]);
  });

  test("a second signal ends the grace at once and returns the same drain", async () => {
    let clock = 1_000_000;
    const { shutdown } = setup(1, 10_000, { now: () => clock });
    const first = shutdown.begin("SIGTERM");
    await Bun.sleep(10);
    clock += SIGNAL_DEBOUNCE_MS;
    const started = Date.now();
    const second = shutdown.begin("SIGINT");
    expect(second).toBe(first);
    expect(await second).toMatchObject({ failed: 1 });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test("a signal repeated at once (SIGINT, then SIGTERM from npm → just) does not cut the drain short", async () => {
    let clock = 1_000_000;
    const { engine, shutdown, lines } = setup(1, 10_000, { now: () => clock });
    const done = shutdown.begin("SIGINT");
    clock += 50;
    expect(shutdown.begin("SIGTERM")).toBe(done);
    await Bun.sleep(50);
    engine.pending = 0;
    expect(await done).toMatchObject({ drained: 1, failed: 0 });
    expect(lines.map((l) => l.msg)).toContain("signal repeated at once (a wrapper forwarding it): still draining");
  });

  test("drain delay: readiness 503 at once, admission continues for the delay, then the drain", async () => {
    const { engine, events, health, shutdown } = setup(0, 10_000, { drainDelayMs: 120 });
    const started = Date.now();
    const done = shutdown.begin("SIGTERM");
    expect(health.ready).toBe(false);
    expect(engine.admitting).toBe(true);
    await Bun.sleep(60);
    expect(engine.admitting).toBe(true);
    await done;
    expect(engine.admitting).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
    expect(events).toEqual(["stopAdmitting"]);
  });

  test("a second signal during the drain delay ends it at once", async () => {
    let clock = 1_000_000;
    const { engine, shutdown } = setup(0, 10_000, { drainDelayMs: 60_000, now: () => clock });
    const done = shutdown.begin("SIGTERM");
    clock += SIGNAL_DEBOUNCE_MS;
    const started = Date.now();
    shutdown.begin("SIGTERM");
    await done;
    expect(engine.admitting).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test("with nothing pending it stops without waiting", async () => {
    const { shutdown, events } = setup(0, 10_000);
    const started = Date.now();
    expect(await shutdown.begin("SIGTERM")).toMatchObject({ drained: 0, failed: 0 });
    expect(Date.now() - started).toBeLessThan(200);
    expect(events).toEqual(["stopAdmitting"]);
  });
});
