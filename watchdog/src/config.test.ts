import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "./config.ts";

const CMD = { WATCHDOG_CMD: "python3 handler.py" };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("loadConfig", () => {
  test("defaults", () => {
    expect(loadConfig(CMD)).toEqual({
      mode: "HTTP",
      warm: false,
      command: ["python3", "handler.py"],
      port: 8080,
      childPort: 0,
      timeoutMs: 30_000,
      readyTimeoutMs: 10_000,
      killGraceMs: 2_000,
      drainDelayMs: 0,
      maxInflight: 0,
      maxOutputBytes: 6 * 1024 * 1024,
      inputFile: undefined,
      outputFile: undefined,
      tmpDir: "/tmp",
      functionName: "unknown",
      logLevel: "info",
      executionId: undefined,
      traceId: undefined,
      callbackUrl: undefined,
      dispatchAttempt: 1,
      invocationPayload: undefined,
    });
  });

  test.each([
    ["http", "HTTP"],
    ["Stdio", "STDIO"],
    ["FILE", "FILE"],
  ])("EXECUTION_MODE=%s is %s", (raw, mode) => {
    expect(loadConfig({ ...CMD, EXECUTION_MODE: raw }).mode).toBe(mode as "HTTP");
  });

  test.each([
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["yes", true],
    ["on", true],
    ["false", false],
    ["0", false],
    ["no", false],
    ["", false],
  ])("WARM=%p is %p", (raw, warm) => {
    expect(loadConfig({ ...CMD, WARM: raw }).warm).toBe(warm);
  });

  test.each([
    ["EXECUTION_MODE", "foo", 'EXECUTION_MODE="foo" is invalid: expected HTTP, STDIO or FILE'],
    ["WARM", "maybe", 'WARM="maybe" is invalid'],
    ["MAX_INFLIGHT", "-1", 'MAX_INFLIGHT="-1" is invalid: expected an integer from 0 to 1000000'],
    ["TIMEOUT_MS", "abc", 'TIMEOUT_MS="abc" is invalid'],
    ["TIMEOUT_MS", "0", 'TIMEOUT_MS="0" is invalid'],
    ["TIMEOUT_MS", "1.5", 'TIMEOUT_MS="1.5" is invalid'],
    ["TIMEOUT_MS", "9999999999", 'TIMEOUT_MS="9999999999" is invalid'],
    ["KILL_GRACE_MS", "soon", 'KILL_GRACE_MS="soon" is invalid'],
    ["READY_TIMEOUT_MS", "x", 'READY_TIMEOUT_MS="x" is invalid'],
    ["MAX_OUTPUT_BYTES", "0", 'MAX_OUTPUT_BYTES="0" is invalid'],
    ["WARM_PORT", "70000", 'WARM_PORT="70000" is invalid'],
    ["PORT", "http", 'PORT="http" is invalid'],
    ["CHILD_PORT", "-5", 'CHILD_PORT="-5" is invalid'],
    ["DISPATCH_ATTEMPT", "0", 'DISPATCH_ATTEMPT="0" is invalid'],
    ["LOG_LEVEL", "loud", 'LOG_LEVEL="loud" is invalid'],
    ["WATCHDOG_CMD", "python3 'unterminated", 'WATCHDOG_CMD="python3 \'unterminated" is invalid'],
  ])("%s=%p is a start-up error naming the variable", (name, value, message) => {
    const found = problems({ ...CMD, [name]: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toStartWith(message);
  });

  test("every problem is reported at once", () => {
    expect(problems({ EXECUTION_MODE: "foo", WARM: "maybe", MAX_INFLIGHT: "-1", TIMEOUT_MS: "abc" })).toHaveLength(5);
  });

  test("WATCHDOG_CMD is required", () => {
    expect(problems({})).toEqual(["WATCHDOG_CMD is required: the command that runs the function"]);
  });

  test("WARM_PORT wins over PORT, which wins over 8080; a stray PORT does not fail a WARM_PORT setup", () => {
    expect(loadConfig({ ...CMD, PORT: "9000" }).port).toBe(9000);
    expect(loadConfig({ ...CMD, PORT: "9000", WARM_PORT: "9100" }).port).toBe(9100);
    expect(loadConfig({ ...CMD, PORT: "junk", WARM_PORT: "9100" }).port).toBe(9100);
  });

  test("CHILD_PORT cannot be the warm watchdog's own port (one-shot has no port of its own)", () => {
    expect(problems({ ...CMD, WARM: "true", WARM_PORT: "9000", CHILD_PORT: "9000" })[0]).toContain(
      "CHILD_PORT puts the function runtime on port 9000",
    );
    expect(problems({ ...CMD, WARM_PORT: "9000", CHILD_PORT: "9000" })).toEqual([]);
  });

  test("one-shot with CALLBACK_URL needs an EXECUTION_ID and a valid http(s) URL", () => {
    expect(problems({ ...CMD, CALLBACK_URL: "http://cp:8080/v1/internal/executions" })).toEqual([
      "EXECUTION_ID is required in one-shot mode when CALLBACK_URL is set",
    ]);
    expect(problems({ ...CMD, CALLBACK_URL: "ftp://cp", EXECUTION_ID: "e" })[0]).toContain("CALLBACK_URL");
    // Warm mode does not call back, so it does not care.
    expect(problems({ ...CMD, WARM: "true", CALLBACK_URL: "http://cp" })).toEqual([]);
  });

  test("tmpDir follows TMPDIR without its trailing slash", () => {
    expect(loadConfig({ ...CMD, TMPDIR: "/var/tmp/" }).tmpDir).toBe("/var/tmp");
    expect(loadConfig({ ...CMD, TMPDIR: "/" }).tmpDir).toBe("/");
  });

  test("values are trimmed and blanks count as unset", () => {
    const config = loadConfig({ ...CMD, TIMEOUT_MS: " 500 ", EXECUTION_ID: "  ", FUNCTION_NAME: " echo " });
    expect(config.timeoutMs).toBe(500);
    expect(config.executionId).toBeUndefined();
    expect(config.functionName).toBe("echo");
  });
});
