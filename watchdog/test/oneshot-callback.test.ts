/**
 * One-shot result delivery against a real local callback server: 3 tries, waiting 100 ms then
 * 500 ms, on network errors, 5xx, 408 and 429; anything else is final. Exit 3 when undelivered.
 */
import { describe, expect, test } from "bun:test";
import { callbackServers, PY_HANDLER, runOnce, setupWatchdogTests } from "./harness.ts";

setupWatchdogTests();

const callbackServer = callbackServers();

function payload(input: unknown): string {
  return JSON.stringify({ input });
}

describe("callback delivery", () => {
  test("retries on 503 and 429, waiting about 100 ms then 500 ms; exit 0 once delivered", async () => {
    const cp = callbackServer([503, 429, 204]);
    const run = await runOnce({
      EXECUTION_MODE: "STDIO",
      WATCHDOG_CMD: PY_HANDLER,
      INVOCATION_PAYLOAD: payload({ scenario: "echo" }),
      EXECUTION_ID: "exec-r",
      CALLBACK_URL: cp.base,
    });
    expect(run.code).toBe(0);
    expect(cp.calls).toHaveLength(3);
    const [a, b, c] = cp.calls.map((call) => call.at);
    expect(b! - a!).toBeGreaterThanOrEqual(90);
    expect(b! - a!).toBeLessThan(400);
    expect(c! - b!).toBeGreaterThanOrEqual(490);
    for (const call of cp.calls) expect(call.body).toEqual(cp.calls[0]!.body);
  });

  test("gives up after 3 tries on 500; exit 3", async () => {
    const cp = callbackServer([500]);
    const run = await runOnce({
      EXECUTION_MODE: "STDIO",
      WATCHDOG_CMD: PY_HANDLER,
      INVOCATION_PAYLOAD: payload({}),
      EXECUTION_ID: "exec-s",
      CALLBACK_URL: cp.base,
    });
    expect(run.code).toBe(3);
    expect(cp.calls).toHaveLength(3);
  });

  test("does not retry a 404; exit 3", async () => {
    const cp = callbackServer([404]);
    const run = await runOnce({
      EXECUTION_MODE: "STDIO",
      WATCHDOG_CMD: PY_HANDLER,
      INVOCATION_PAYLOAD: payload({}),
      EXECUTION_ID: "exec-t",
      CALLBACK_URL: cp.base,
    });
    expect(run.code).toBe(3);
    expect(cp.calls).toHaveLength(1);
  });

  test("retries a refused connection 3 times; exit 3", async () => {
    const gone = callbackServer();
    await gone.stop();
    const run = await runOnce({
      EXECUTION_MODE: "STDIO",
      WATCHDOG_CMD: PY_HANDLER,
      INVOCATION_PAYLOAD: payload({}),
      EXECUTION_ID: "exec-u",
      CALLBACK_URL: gone.base,
    });
    expect(run.code).toBe(3);
    const tries = run.logs.split("\n").filter((l) => l.includes('"msg":"callback failed"'));
    expect(tries).toHaveLength(3);
  });
});
