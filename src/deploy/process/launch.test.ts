import { describe, expect, test } from "bun:test";
import type { FunctionSpec } from "../../domain/function-spec";
import { resolveFunction } from "../../domain/resolved-function";
import { connectHost, type HostFacts, launchPlan, unsupportedReason, watchdogArgv } from "./launch";

const DEFAULTS = { timeoutMs: 30_000, concurrency: 4, queueSize: 100, maxRetries: 3 };
const fn = (spec: Partial<FunctionSpec>) => resolveFunction({ name: "word-stats", ...spec }, DEFAULTS);

const host = (over: Partial<HostFacts> = {}): HostFacts => ({
  exists: (path) => path === "/srv/app/pod.sh" || path === "/repo/dist/watchdog",
  which: (cmd) => (cmd === "bun" ? "/usr/bin/bun" : null),
  cwd: "/srv/app",
  bunExecutable: "/opt/bun/bin/bun",
  repoRoot: "/repo",
  ...over,
});

describe("unsupportedReason", () => {
  test("explains that an image alone needs another backend", () => {
    expect(unsupportedReason(fn({ image: "nanofaas/word-stats:1" }), host())?.reason).toBe(
      "the process backend runs `command` or `runtimeCommand`; function 'word-stats' has neither " +
        "(an image alone needs the docker or k8s backend)",
    );
  });

  test.each([
    ["a command on PATH", { command: ["bun", "handler.ts"] }],
    ["a relative command that exists", { command: ["./pod.sh"] }],
    ["a runtimeCommand (watchdog)", { runtimeCommand: "python3 handler.py" }],
  ])("accepts %s", (_, spec) => {
    expect(unsupportedReason(fn(spec), host())).toBeUndefined();
  });

  test("refuses a program that is not on PATH", () => {
    expect(unsupportedReason(fn({ command: ["nodejs-9"] }), host())?.reason).toBe(
      "function 'word-stats': command 'nodejs-9' was not found on PATH",
    );
  });

  test("refuses a relative program that does not exist without revealing the working directory", () => {
    expect(unsupportedReason(fn({ command: ["./missing.sh"] }), host())?.reason).toBe(
      "function 'word-stats': command './missing.sh' does not exist (relative paths resolve against the control plane's working directory)",
    );
  });

  test("a blank runtimeCommand counts as none", () => {
    expect(unsupportedReason(fn({ runtimeCommand: "  " }), host())?.reason).toContain("has neither");
  });
});

describe("watchdogArgv", () => {
  test.each([
    [
      "NANOFAAS_WATCHDOG_PATH first, relative to cwd",
      { watchdogPath: "bin/watchdog" },
      host(),
      ["/srv/app/bin/watchdog"],
    ],
    ["then the checkout's dist/watchdog", {}, host(), ["/repo/dist/watchdog"]],
    [
      "then its source run by the current bun",
      {},
      host({ exists: () => false }),
      ["/opt/bun/bin/bun", "/repo/watchdog/src/main.ts"],
    ],
    [
      "a compiled control plane looks beside itself",
      {},
      host({ repoRoot: undefined, bunExecutable: undefined }),
      ["/usr/local/bin/watchdog"],
    ],
  ])("%s", (_, config, facts, argv) => {
    expect(watchdogArgv(config, facts, "/usr/local/bin/nanofaas")).toEqual(argv);
  });
});

describe("launchPlan", () => {
  test("runs `command`, with a relative program made absolute against cwd", () => {
    const plan = launchPlan(fn({ command: ["./pod.sh", "--fast"] }), {}, host(), {});
    expect(plan.argv).toEqual(["/srv/app/pod.sh", "--fast"]);
    expect(plan.env.WATCHDOG_CMD).toBeUndefined();
  });

  test("`bun` missing from PATH means the Bun running the control plane", () => {
    expect(launchPlan(fn({ command: ["bun", "pod.ts"] }), {}, host({ which: () => null }), {}).argv).toEqual([
      "/opt/bun/bin/bun",
      "pod.ts",
    ]);
    expect(launchPlan(fn({ command: ["bun", "pod.ts"] }), {}, host(), {}).argv).toEqual(["bun", "pod.ts"]);
    expect(unsupportedReason(fn({ command: ["bun"] }), host({ which: () => null }))).toBeUndefined();
    expect(
      unsupportedReason(fn({ command: ["bun"] }), host({ which: () => null, bunExecutable: undefined }))?.reason,
    ).toContain("not found on PATH");
  });

  test("runs the watchdog with WATCHDOG_CMD when only runtimeCommand is given", () => {
    const plan = launchPlan(fn({ runtimeCommand: "python3 handler.py", runtimeMode: "STDIO" }), {}, host(), {});
    expect(plan.argv).toEqual(["/repo/dist/watchdog"]);
    expect(plan.env).toMatchObject({ WATCHDOG_CMD: "python3 handler.py", EXECUTION_MODE: "STDIO" });
  });

  test("env = inherited env + function env + the platform's variables", () => {
    const plan = launchPlan(
      fn({ command: ["bun", "pod.ts"], env: { GREETING: "hi", HOME: "/fn-home" }, timeoutMs: 1234 }),
      {},
      host(),
      { PATH: "/usr/bin", HOME: "/root", UNSET: undefined },
    );
    expect(plan.env).toEqual({
      PATH: "/usr/bin",
      HOME: "/fn-home",
      GREETING: "hi",
      FUNCTION_NAME: "word-stats",
      WARM: "true",
      TIMEOUT_MS: "1234",
      EXECUTION_MODE: "HTTP",
    });
  });

  test("neither the function nor the inherited env can override the platform's variables", () => {
    const reserved = {
      FUNCTION_NAME: "x",
      WARM: "false",
      PORT: "1",
      WARM_PORT: "2",
      WATCHDOG_CMD: "rm -rf /",
      CALLBACK_URL: "http://evil",
    };
    const plan = launchPlan(fn({ command: ["bun"], env: reserved }), {}, host(), reserved);
    // CALLBACK_URL included: warm replicas answer over HTTP and must not send duplicate callbacks.
    expect(plan.env).toEqual({
      FUNCTION_NAME: "word-stats",
      WARM: "true",
      TIMEOUT_MS: "30000",
      EXECUTION_MODE: "HTTP",
    });
  });
});

describe("addresses", () => {
  test.each([
    ["127.0.0.1", "127.0.0.1"],
    ["0.0.0.0", "127.0.0.1"],
    ["::", "[::1]"],
    ["::1", "[::1]"],
    ["10.1.2.3", "10.1.2.3"],
  ])("connectHost(%p) = %p", (bind, expected) => {
    expect(connectHost(bind)).toBe(expected);
  });
});
