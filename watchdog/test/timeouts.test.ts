/**
 * TIMEOUT_MS: the invocation ends 504 HANDLER_TIMEOUT at the deadline, the child's whole process
 * group gets SIGTERM, SIGKILL after KILL_GRACE_MS, and nothing it started is left alive.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import {
  expectGone,
  isGone,
  procState,
  PY_HANDLER,
  readPids,
  startWarm,
  stopWatchdog,
  tempDir,
  type Watchdog,
  setupWatchdogTests,
} from "./harness.ts";

setupWatchdogTests();

let stdio: Watchdog;
let file: Watchdog;
let dir: string;

beforeAll(async () => {
  dir = await tempDir();
  const common = { WATCHDOG_CMD: PY_HANDLER, TIMEOUT_MS: "500", KILL_GRACE_MS: "1000", MAX_INFLIGHT: "1" };
  [stdio, file] = await Promise.all([
    startWarm({ ...common, EXECUTION_MODE: "STDIO" }),
    startWarm({ ...common, EXECUTION_MODE: "FILE", WATCHDOG_CMD: `${PY_HANDLER} file` }),
  ]);
  await Promise.all([stdio.waitHealthy(), file.waitHealthy()]);
});

afterAll(async () => {
  expect(await stopWatchdog(stdio)).toBe(0);
  expect(await stopWatchdog(file)).toBe(0);
});

const TIMEOUT_BODY = { error: { code: "HANDLER_TIMEOUT", message: "Function exceeded TIMEOUT_MS=500" } };

describe("timeouts", () => {
  test.each(["STDIO", "FILE"])("%s: a hung function and its grandchild are gone after a 504", async (mode) => {
    const w = mode === "STDIO" ? stdio : file;
    const pidfile = join(dir, `hang-${mode}.pid`);
    const started = performance.now();
    const res = await w.invoke({ scenario: "hang", pidfile });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(504);
    expect(await res.json()).toEqual(TIMEOUT_BODY);
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(1000);
    // Both die on SIGTERM, well within the grace period.
    await expectGone(await readPids(pidfile), 500);
  });

  test("a function that ignores SIGTERM is SIGKILLed after KILL_GRACE_MS, and holds its slot until then", async () => {
    const pidfile = join(dir, "stubborn.pid");
    const res = await stdio.invoke({ scenario: "hang", ignore_term: true, pidfile });
    expect(res.status).toBe(504);
    const answeredAt = performance.now();
    const [parent, grandchild] = await readPids(pidfile);
    // The grandchild did not ignore SIGTERM: it is dead (a zombie until its parent goes, which
    // is that parent's business). The parent did ignore it and is still running for now.
    const deadline = Date.now() + 500;
    while (Date.now() < deadline && procState(grandchild!) !== "Z" && !isGone(grandchild!)) await Bun.sleep(20);
    expect(["Z", "gone"]).toContain(procState(grandchild!));
    expect(["R", "S"]).toContain(procState(parent!));
    // MAX_INFLIGHT=1 and the slot is still held by the dying invocation.
    const busy = await stdio.invoke({ scenario: "echo" });
    expect(busy.status).toBe(429);
    await expectGone([parent!, grandchild!], 2000);
    expect(performance.now() - answeredAt).toBeGreaterThanOrEqual(800);
    await Bun.sleep(50);
    expect((await stdio.invoke({ scenario: "echo" })).status).toBe(200);
  });

  test("timeouts are counted in watchdog_timeouts_total", async () => {
    const text = await (await fetch(`${stdio.url}/metrics`)).text();
    expect(text).toContain('watchdog_timeouts_total{function="unknown",mode="STDIO"} 2');
  });
});
