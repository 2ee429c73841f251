import { describe, expect, test } from "bun:test";
import type { ResolvedFunction } from "../../domain/resolved-function";
import { createCommandPolicy } from "./command-policy";

const fn = (over: Partial<ResolvedFunction>): ResolvedFunction =>
  ({ name: "f", command: [], env: {}, ...over }) as ResolvedFunction;

describe("command policy", () => {
  test("with nothing allowed, every program is refused with 403 naming the setting", () => {
    const refusal = createCommandPolicy([]).refusal(fn({ command: ["sh", "-c", "id > pwned.txt"] }));
    expect(refusal?.code).toBe("FORBIDDEN");
    expect(refusal?.details).toEqual(["command: 'sh' is not an allowed program (NANOFAAS_PROCESS_ALLOWED_COMMANDS)"]);
  });

  test("the first word of runtimeCommand is the program", () => {
    const policy = createCommandPolicy(["python3"]);
    expect(policy.refusal(fn({ runtimeCommand: "  python3 handler.py" }))).toBeUndefined();
    expect(policy.refusal(fn({ runtimeCommand: "perl -e 1" }))?.details).toEqual([
      "runtimeCommand: 'perl' is not an allowed program (NANOFAAS_PROCESS_ALLOWED_COMMANDS)",
    ]);
  });

  test("programs match as written: an allowed bare name does not allow a path of the same name", () => {
    const policy = createCommandPolicy(["python3"]);
    expect(policy.refusal(fn({ command: ["python3", "x.py"] }))).toBeUndefined();
    expect(policy.refusal(fn({ command: ["/tmp/python3"] }))?.code).toBe("FORBIDDEN");
  });

  test.each(["PATH", "LD_PRELOAD", "NODE_OPTIONS", "BUN_OPTIONS", "PYTHONPATH", "BASH_ENV"])(
    "an allowed program with env %s is refused",
    (key) => {
      const refusal = createCommandPolicy(["python3"]).refusal(fn({ command: ["python3"], env: { [key]: "/tmp/x" } }));
      expect(refusal?.details?.[0]).toStartWith(`env.${key}: `);
    },
  );

  test("ordinary env is fine", () => {
    expect(
      createCommandPolicy(["python3"]).refusal(
        fn({ command: ["python3"], env: { GREETING: "hi", LOG_LEVEL: "debug" } }),
      ),
    ).toBeUndefined();
  });

  test("* allows anything", () => {
    expect(createCommandPolicy(["*"]).refusal(fn({ command: ["sh"], env: { LD_PRELOAD: "x" } }))).toBeUndefined();
  });

  test("a declared spec is allowed again exactly as declared, and only so", () => {
    const policy = createCommandPolicy([]);
    const declared = fn({ command: ["bun", "runtimes/bun/src/main.ts", "h.ts"], env: { B: "2", A: "1" } });
    policy.trust(declared);
    expect(
      policy.refusal(fn({ name: "copy", command: [...declared.command], env: { A: "1", B: "2" } })),
    ).toBeUndefined();
    expect(policy.refusal(fn({ command: ["bun", "-e", "process.exit(0)"] }))?.code).toBe("FORBIDDEN");
    expect(
      policy.refusal(fn({ command: [...declared.command], env: { A: "1", B: "2", NODE_OPTIONS: "--require x" } }))
        ?.code,
    ).toBe("FORBIDDEN");
  });

  test("nothing to run is not the policy's business (the backend names the missing field)", () => {
    expect(createCommandPolicy([]).refusal(fn({}))).toBeUndefined();
  });
});
