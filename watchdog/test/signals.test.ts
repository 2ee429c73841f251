/**
 * SIGTERM/SIGINT: stop admitting, drain in-flight invocations, then exit 0; a second signal forces
 * the stop. Also as PID 1 of its own PID namespace, where an unhandled SIGTERM would be ignored and
 * orphans are re-parented to the watchdog.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  expectGone,
  HTTP_SERVER,
  isGone,
  PY_HANDLER,
  readPids,
  runOnce,
  startCallbackServer,
  startWarm,
  tempDir,
  setupWatchdogTests,
} from "./harness.ts";

setupWatchdogTests();

describe("warm drain", () => {
  test.each(["SIGTERM", "SIGINT"] as const)(
    "%s: in-flight work finishes, new work is refused, exit 0",
    async (signal) => {
      const w = await startWarm({ EXECUTION_MODE: "STDIO", WATCHDOG_CMD: PY_HANDLER });
      await w.waitHealthy();
      const inflight = w.invoke({ scenario: "slow", ms: 600 });
      await Bun.sleep(200);
      w.signal(signal);
      await w.waitFor((l) => l.msg === "draining");
      const health = await fetch(`${w.url}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: "draining" });
      const refused = await w.invoke({ scenario: "echo" });
      expect(refused.status).toBe(503);
      expect(await refused.json()).toEqual({
        error: { code: "UNAVAILABLE", message: "The watchdog is shutting down" },
      });
      const res = await inflight;
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ slept: 600 });
      expect(await w.exited).toBe(0);
      expect(isGone(w.pid)).toBe(true);
    },
  );

  test("DRAIN_DELAY_MS: /health is 503 at once, new work is still served for the delay, then refused", async () => {
    const w = await startWarm({ EXECUTION_MODE: "STDIO", WATCHDOG_CMD: PY_HANDLER, DRAIN_DELAY_MS: "1200" });
    await w.waitHealthy();
    const signalled = performance.now();
    w.signal("SIGTERM");
    await w.waitFor((l) => l.msg === "draining: /health is 503; still admitting while endpoints update");
    expect((await fetch(`${w.url}/health`)).status).toBe(503);
    const during = await w.invoke({ scenario: "echo" });
    expect(performance.now() - signalled).toBeLessThan(1200);
    expect(during.status).toBe(200);
    await w.waitFor((l) => l.msg === "draining");
    expect(performance.now() - signalled).toBeGreaterThanOrEqual(1150);
    expect(await w.exited).toBe(0);
  });

  test("a second signal stops at once: the running invocation is aborted, its processes killed, exit 1", async () => {
    const pidfile = join(await tempDir(), "pids");
    const w = await startWarm({ EXECUTION_MODE: "STDIO", WATCHDOG_CMD: PY_HANDLER });
    await w.waitHealthy();
    const inflight = w.invoke({ scenario: "hang", pidfile });
    const pids = await readPids(pidfile);
    w.signal("SIGTERM");
    await w.waitFor((l) => l.msg === "draining");
    w.signal("SIGTERM");
    const res = await inflight;
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      "Invocation aborted: the watchdog is shutting down",
    );
    expect(await w.exited).toBe(1);
    await expectGone(pids);
  });
});

describe("early signals", () => {
  test("SIGTERM right after 'listening', while the HTTP child is still starting: clean exit 0, child gone", async () => {
    const w = await startWarm({ EXECUTION_MODE: "HTTP", WATCHDOG_CMD: HTTP_SERVER, STARTUP_DELAY_MS: "3000" });
    w.signal("SIGTERM");
    const began = performance.now();
    expect(await w.exited).toBe(0);
    expect(performance.now() - began).toBeLessThan(1500);
    expect(w.logs.some((l) => l.msg === "ready")).toBe(false);
    const child = w.logs.find((l) => l.msg === "function runtime started");
    expect(child?.pid).toBeNumber();
    await expectGone([child!.pid as number]);
  });
});

describe("one-shot signals", () => {
  test("SIGTERM lets the running invocation finish and report; exit 0", async () => {
    const cp = startCallbackServer();
    const env = {
      EXECUTION_MODE: "STDIO",
      WATCHDOG_CMD: PY_HANDLER,
      INVOCATION_PAYLOAD: JSON.stringify({ input: { scenario: "slow", ms: 500 } }),
      EXECUTION_ID: "sig-1",
      CALLBACK_URL: cp.base,
    };
    const run = runOnce(env);
    await Bun.sleep(250);
    signalWatchdogs("SIGTERM");
    const result = await run;
    await cp.stop();
    expect(result.logs).toContain("signal received: finishing the running invocation");
    expect(result.code).toBe(0);
    expect(cp.calls[0]!.body).toMatchObject({ success: true, output: { slept: 500 } });
  });
});

describe("as PID 1", () => {
  test("in its own PID namespace: invocations work, orphans are reaped, SIGTERM drains and exits 0", async () => {
    const w = await startWarm({ EXECUTION_MODE: "STDIO", WATCHDOG_CMD: PY_HANDLER }, [
      "unshare",
      "--pid",
      "--fork",
      "--mount-proc",
    ]);
    await w.waitHealthy();
    const inner = childrenOf(w.pid);
    expect(inner).toHaveLength(1);
    const orphan = await w.invoke({ scenario: "orphan", pidfile: "/dev/null" });
    expect(orphan.status).toBe(200);
    await Bun.sleep(100);
    const seen = (await (await w.invoke({ scenario: "zombies" })).json()) as { zombies: number[] };
    expect(seen.zombies).toEqual([]);
    process.kill(inner[0]!, "SIGTERM");
    expect(await w.exited).toBe(0);
    expect(w.logs.some((l) => l.msg === "stopped" && l.forced === false)).toBe(true);
    await expectGone(inner);
  });
});

/** Direct children of `pid`, across its threads. */
function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
}

/** SIGTERM to the one-shot watchdogs this test process started (its direct children). */
function signalWatchdogs(signal: NodeJS.Signals): void {
  for (const pid of childrenOf(process.pid)) {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    if (cmdline.includes("watchdog")) process.kill(pid, signal);
  }
}
