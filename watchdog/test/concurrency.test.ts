/**
 * MAX_INFLIGHT: concurrent invocations up to the limit, an immediate 429 SATURATED with
 * Retry-After beyond it, and admission again once a slot frees. 0 means unlimited.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { metricValue, PY_HANDLER, startWarm, stopWatchdog, type Watchdog, setupWatchdogTests } from "./harness.ts";

setupWatchdogTests();

const started: Watchdog[] = [];

afterAll(async () => {
  for (const w of started) expect(await stopWatchdog(w)).toBe(0);
});

async function warm(env: Record<string, string>): Promise<Watchdog> {
  const w = await startWarm({ EXECUTION_MODE: "STDIO", WATCHDOG_CMD: PY_HANDLER, ...env });
  started.push(w);
  await w.waitHealthy();
  return w;
}

describe("MAX_INFLIGHT", () => {
  test("beyond the limit: 429 SATURATED with Retry-After, /health still 200, then admitted again", async () => {
    const w = await warm({ MAX_INFLIGHT: "2" });
    const first = [w.invoke({ scenario: "slow", ms: 500 }), w.invoke({ scenario: "slow", ms: 500 })];
    await Bun.sleep(150);
    const rejected = await w.invoke({ scenario: "echo" });
    expect(rejected.status).toBe(429);
    expect(rejected.headers.get("Retry-After")).toBe("1");
    expect(await rejected.json()).toEqual({
      error: { code: "SATURATED", message: "MAX_INFLIGHT=2 invocations are already running" },
    });
    expect((await fetch(`${w.url}/health`)).status).toBe(200);
    const inflight = metricValue(
      await (await fetch(`${w.url}/metrics`)).text(),
      'watchdog_invocations_in_flight{function="unknown"}',
    );
    expect(inflight).toBe(2);
    for (const res of await Promise.all(first)) expect(res.status).toBe(200);
    expect((await w.invoke({ scenario: "echo" })).status).toBe(200);
    const metrics = await (await fetch(`${w.url}/metrics`)).text();
    expect(metricValue(metrics, 'watchdog_rejected_total{function="unknown",reason="saturated"}')).toBe(1);
  });

  test("0 (the default) is unlimited, and invocations run side by side", async () => {
    const w = await warm({});
    const begin = performance.now();
    const responses = await Promise.all([1, 2, 3, 4, 5, 6].map(() => w.invoke({ scenario: "slow", ms: 400 })));
    for (const res of responses) expect(res.status).toBe(200);
    // Six 400 ms runs one after another would take 2.4 s; side by side they take little more
    // than one run (the bound leaves room for interpreter start-up on a busy 2-core machine).
    expect(performance.now() - begin).toBeLessThan(1500);
  });
});
