/**
 * @module
 * nanofaas watchdog: turns any program into a function pod (SPEC §2). The composition root — the
 * only file that reads `process.env`, installs the reaper and decides how the process exits.
 *
 * - `EXECUTION_MODE=HTTP`: the program is an HTTP server; it is started once and proxied to.
 * - `EXECUTION_MODE=STDIO`: one process per invocation, request JSON on stdin, result on stdout.
 * - `EXECUTION_MODE=FILE`: one process per invocation, through `INPUT_FILE` / `OUTPUT_FILE`.
 *
 * `WARM=true` serves many invocations (warm.ts); otherwise it runs once and calls back (oneshot.ts).
 * Every variable is documented in watchdog/README.md.
 */
import { ConfigError, loadConfig } from "./config.ts";
import { createLogger, describe } from "./log.ts";
import { ExitCode, reportUnrunnable, runOneShot } from "./oneshot.ts";
import { createChildren, createReaper } from "./process/index.ts";
import { createRunner, type RunnerDeps } from "./runners/index.ts";
import { childBaseEnv } from "./runners/env.ts";
import { onShutdownSignals } from "./signals.ts";
import { runWarm } from "./warm.ts";

import { VERSION } from "../../src/lib/version";

export { VERSION };

const REAP_INTERVAL_MS = 1_000;
const STRAGGLER_REAP_DELAY_MS = 20;

const HELP = `nanofaas-watchdog ${VERSION}: turns any program into a nanofaas function pod.

Usage: watchdog [--help | --version]

All configuration is environment variables (see watchdog/README.md):
  EXECUTION_MODE  HTTP | STDIO | FILE (default HTTP)
  WATCHDOG_CMD    the function's command (required)
  WARM            true: serve POST /invoke, GET /health, GET /metrics on WARM_PORT / PORT (8080)
                  false (default): run once on INVOCATION_PAYLOAD, POST the result to CALLBACK_URL
  TIMEOUT_MS (30000), KILL_GRACE_MS (2000), READY_TIMEOUT_MS (10000), MAX_INFLIGHT (0 = unlimited),
  MAX_OUTPUT_BYTES (6 MiB), CHILD_PORT, INPUT_FILE, OUTPUT_FILE, EXECUTION_ID, TRACE_ID,
  DISPATCH_ATTEMPT, FUNCTION_NAME, LOG_LEVEL

Exit codes: 0 success, 1 function failed or fatal error, 2 invalid configuration,
            3 one-shot result not delivered to CALLBACK_URL.
`;

// One non-blocking writer for our log lines and the children's stderr alike. Not
// `process.stderr`: its first use costs 15-70 ms, which would land on start-up or on the first
// invocation whose child writes to stderr. Flushed at every write, ended before exit.
const stderrSink = Bun.stderr.writer();
const writeStderr = (data: string | Uint8Array) => {
  try {
    stderrSink.write(data);
    stderrSink.flush();
  } catch {
    // Nobody is reading our stderr any more; logging must never take the pod down with it.
  }
};

async function main(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  const flags = parseFlags(argv);
  if (flags === "help") return print(HELP, ExitCode.success);
  if (flags === "version") return print(`nanofaas-watchdog ${VERSION}\n`, ExitCode.success);
  if (flags === "bad") return print(HELP, ExitCode.config, "stderr");

  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    createLogger("error", writeStderr).error(`invalid configuration: ${error.problems.join("; ")}`, {
      problems: error.problems,
    });
    return ExitCode.config;
  }
  const log = createLogger(config.logLevel, writeStderr, { function: config.functionName, mode: config.mode });
  if (!Bun.which(config.command[0]!)) {
    const message = `WATCHDOG_CMD: ${JSON.stringify(config.command[0])} is not an executable file or a command on PATH`;
    log.error(`invalid configuration: ${message}`);
    return config.warm ? ExitCode.config : reportUnrunnable({ config, log, writeStdout }, message, ExitCode.config);
  }

  // Killed stragglers turn into zombies a moment later; reap them then rather than at the next tick.
  const children = createChildren(() => setTimeout(() => reaper.reap(), STRAGGLER_REAP_DELAY_MS).unref());
  const reaper = createReaper(children.isTracked, log);
  reaper.start(REAP_INTERVAL_MS);
  const stop = new AbortController();
  const runnerDeps: RunnerDeps = {
    config,
    children,
    log,
    baseEnv: childBaseEnv(env),
    stderr: writeStderr,
    stopSignal: stop.signal,
  };
  if (config.warm) return runWarm({ config, log, reaper, runnerDeps, stop });

  // One-shot: the first signal lets the running invocation finish and report (the drain); a second
  // one kills it, and its failure is still reported.
  const removeSignals = onShutdownSignals({
    graceful: (signal) => log.info("signal received: finishing the running invocation", { signal }),
    forced: (signal) => {
      log.warn("second signal: stopping now", { signal });
      stop.abort();
    },
  });
  const runner = createRunner(runnerDeps, { supervise: false, onReady: () => {}, onRestart: () => {} });
  const code = await runOneShot({ config, runner, log, writeStdout });
  reaper.reap();
  removeSignals();
  return code;
}

/**
 * Two flags, parsed by hand: `node:util` (and `node:fs`) cost several milliseconds of start-up in
 * a compiled binary, and start-up is on every cold start's critical path.
 */
function parseFlags(argv: string[]): "help" | "version" | "run" | "bad" {
  if (argv.length === 0) return "run";
  if (argv.length > 1) return "bad";
  if (argv[0] === "--help" || argv[0] === "-h") return "help";
  if (argv[0] === "--version" || argv[0] === "-V") return "version";
  return "bad";
}

const writeStdout = (text: string) => Bun.write(Bun.stdout, text);

async function print(text: string, code: number, to: "stdout" | "stderr" = "stdout"): Promise<number> {
  if (to === "stdout") await Bun.write(Bun.stdout, text);
  else writeStderr(text);
  return code;
}

async function exit(code: number): Promise<never> {
  try {
    await stderrSink.end();
  } catch {
    // As in writeStderr: a closed stderr does not change how we exit.
  }
  process.exit(code);
}

main(process.argv.slice(2), process.env).then(exit, (error) => {
  writeStderr(
    `${JSON.stringify({ time: new Date().toISOString(), level: "error", msg: `fatal: ${describe(error)}` })}\n`,
  );
  return exit(1);
});
