/**
 * Warm FILE mode against the compiled binary, with a sh and a Python function: private files per
 * invocation, the failure shapes, and pinned paths that make invocations take turns.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { COPY_SH, PY_HANDLER, startWarm, stopWatchdog, tempDir, type Watchdog, setupWatchdogTests } from "./harness.ts";

setupWatchdogTests();

let py: Watchdog;
let tmp: string;

beforeAll(async () => {
  tmp = await tempDir();
  // TMPDIR points the per-invocation directories somewhere this test can watch.
  py = await startWarm({
    EXECUTION_MODE: "FILE",
    WATCHDOG_CMD: `${PY_HANDLER} file`,
    MAX_OUTPUT_BYTES: "10000",
    TMPDIR: tmp,
  });
  await py.waitHealthy();
});

afterAll(async () => {
  expect(await stopWatchdog(py)).toBe(0);
});

interface ErrorBody {
  error: { code: string; message: string };
}

describe("warm FILE", () => {
  test("a sh function copies INPUT_FILE to OUTPUT_FILE: the request comes back", async () => {
    const sh = await startWarm({ EXECUTION_MODE: "FILE", WATCHDOG_CMD: COPY_SH });
    await sh.waitHealthy();
    const res = await sh.invoke({ a: [1, 2, 3] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ input: { a: [1, 2, 3] } });
    expect(await stopWatchdog(sh)).toBe(0);
  });

  test("each invocation gets its own private files, removed afterwards", async () => {
    const res = await py.invoke({ scenario: "env" }, { "X-Execution-Id": "file-1" });
    const env = (await res.json()) as Record<string, string>;
    expect(env.EXECUTION_ID).toBe("file-1");
    expect(env.INPUT_FILE!.startsWith(tmp)).toBe(true);
    expect(env.OUTPUT_FILE).toBe(join(env.INPUT_FILE!, "..", "output.json"));
    expect(existsSync(join(env.INPUT_FILE!, ".."))).toBe(false);
  });

  test("concurrent invocations never see each other's files", async () => {
    const responses = await Promise.all(
      [1, 2, 3, 4].map((n) => py.invoke({ scenario: "slow", ms: 150 }, { "X-Execution-Id": `c-${n}` })),
    );
    const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id));
    expect(ids).toEqual(["c-1", "c-2", "c-3", "c-4"]);
    expect(readdirSync(tmp)).toEqual([]);
  });

  test("an empty output file is a success with null", async () => {
    const res = await py.invoke({ scenario: "empty" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("null");
  });

  test.each([
    ["no output file", "INVALID_OUTPUT", { scenario: "no_output" }, /Output file .*output.json was not created/],
    ["non-zero exit", "FUNCTION_ERROR", { scenario: "exit", code: 3 }, /exited with code 3: something went wrong/],
    ["crash", "FUNCTION_ERROR", { scenario: "crash" }, /killed by SIGSEGV/],
    ["non-JSON output file", "INVALID_OUTPUT", { scenario: "invalid" }, /output file is not a single JSON value/],
    [
      "output file over MAX_OUTPUT_BYTES",
      "OUTPUT_TOO_LARGE",
      { scenario: "big", bytes: 20_000 },
      /MAX_OUTPUT_BYTES=10000/,
    ],
  ])("%s → 500 %s", async (_name, code, input, message) => {
    const res = await py.invoke(input);
    expect(res.status).toBe(500);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
  });

  test("pinned INPUT_FILE/OUTPUT_FILE are used as given, one invocation at a time", async () => {
    const dir = await tempDir();
    const pinned = await startWarm({
      EXECUTION_MODE: "FILE",
      WATCHDOG_CMD: `${PY_HANDLER} file`,
      INPUT_FILE: join(dir, "in.json"),
      OUTPUT_FILE: join(dir, "out.json"),
    });
    await pinned.waitHealthy();
    const started = performance.now();
    const responses = await Promise.all(
      [1, 2, 3].map((n) => pinned.invoke({ scenario: "slow", ms: 150 }, { "X-Execution-Id": `p-${n}` })),
    );
    const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id));
    expect(ids).toEqual(["p-1", "p-2", "p-3"]);
    // Three 150 ms runs back to back, not side by side.
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
    expect(await Bun.file(join(dir, "in.json")).json()).toEqual({ input: { scenario: "slow", ms: 150 } });
    expect(await stopWatchdog(pinned)).toBe(0);
  });
});
