/**
 * Start-up of the compiled binary: flags work without configuration, and every bad setting stops
 * it with exit code 2 and a message that names the variable — never a silent default.
 */
import { describe, expect, test } from "bun:test";
import { PY_HANDLER, runOnce, watchdogBinary, setupWatchdogTests } from "./harness.ts";

setupWatchdogTests();

async function runWithArgs(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([await watchdogBinary(), ...args], { env: {}, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

describe("flags", () => {
  test("--version and -V print the version", async () => {
    for (const flag of ["--version", "-V"]) {
      const run = await runWithArgs([flag]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^nanofaas-watchdog \d+\.\d+\.\d+\n$/);
    }
  });

  test("--help describes the modes; an unknown flag is exit 2", async () => {
    const help = await runWithArgs(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("EXECUTION_MODE  HTTP | STDIO | FILE");
    const bad = await runWithArgs(["--frobnicate"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Usage: watchdog");
  });
});

describe("invalid configuration", () => {
  test.each([
    ["EXECUTION_MODE", "foo"],
    ["WARM", "maybe"],
    ["MAX_INFLIGHT", "-1"],
    ["TIMEOUT_MS", "abc"],
    ["KILL_GRACE_MS", "later"],
    ["MAX_OUTPUT_BYTES", "lots"],
  ])("%s=%s: exit 2 naming the variable, nothing run", async (name, value) => {
    const run = await runOnce({
      EXECUTION_MODE: "STDIO",
      WATCHDOG_CMD: PY_HANDLER,
      INVOCATION_PAYLOAD: "{}",
      [name]: value,
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    const line = JSON.parse(run.logs.trim()) as { level: string; msg: string };
    expect(line.level).toBe("error");
    expect(line.msg).toContain(`${name}="${value}" is invalid`);
  });

  test("a WATCHDOG_CMD that does not exist is exit 2", async () => {
    const run = await runOnce({
      EXECUTION_MODE: "STDIO",
      WATCHDOG_CMD: "/nonexistent/fn --flag",
      INVOCATION_PAYLOAD: "{}",
    });
    expect(run.code).toBe(2);
    expect(run.logs).toContain('WATCHDOG_CMD: \\"/nonexistent/fn\\" is not an executable file or a command on PATH');
  });

  test("a warm watchdog whose port is taken exits 1", async () => {
    const blocker = Bun.serve({ port: 0, hostname: "0.0.0.0", fetch: () => new Response() });
    const run = await runOnce({
      WARM: "true",
      WARM_PORT: String(blocker.port),
      EXECUTION_MODE: "STDIO",
      WATCHDOG_CMD: PY_HANDLER,
    });
    await blocker.stop(true);
    expect(run.code).toBe(1);
    expect(run.logs).toContain("fatal");
  });
});
