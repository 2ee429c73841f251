/**
 * @module
 * STDIO mode: one process per invocation. The request JSON goes in on stdin, then EOF; the result
 * is whatever JSON the process writes on stdout before it exits 0.
 */
import { execTag } from "../../../src/contracts/log-tag.ts";
import { forwardWithTail, readCapped, settleWithin, taggedLines } from "../process/index.ts";
import { raceDeadline, exitFailure, spawnOrFail, STDERR_TAIL_BYTES, unfinished } from "./bounded.ts";
import { invocationEnv } from "./env.ts";
import { outcomeFromOutput, outputTooLarge } from "./output.ts";
import type { Invocation, Outcome, Runner, RunnerDeps } from "./runner.ts";

// After the process exits its group is killed, so stderr reaches EOF almost at once; this only
// bounds the wait when a detached grandchild (new session) still holds the pipe.
const STDERR_SETTLE_MS = 100;

export function createStdioRunner(deps: RunnerDeps): Runner {
  let stopped = false;
  return {
    mode: "STDIO",
    start: async () => {},
    state: () => (stopped ? "stopped" : "ready"),
    invoke: (invocation) => runStdio(deps, invocation),
    stop: async (signal) => {
      stopped = true;
      await deps.children.terminateAll(deps.config.killGraceMs, signal);
    },
  };
}

async function runStdio(deps: RunnerDeps, inv: Invocation): Promise<Outcome> {
  const { config } = deps;
  const child = spawnOrFail(deps, {
    env: invocationEnv(deps.baseEnv, inv),
    stdin: inv.body,
    stdout: "pipe",
    stderr: "pipe",
  });
  if (!("pid" in child)) return child;
  const stderr = forwardWithTail(
    child.stderr!,
    taggedLines(deps.stderr, execTag(inv.executionId, inv.traceId)),
    STDERR_TAIL_BYTES,
  );
  // Output first: a process blocked writing a full pipe never exits until someone reads it.
  const work = readCapped(child.stdout!, config.maxOutputBytes).then(async (out) =>
    out.overflow ? out : { ...out, exit: await child.exited },
  );
  const raced = await raceDeadline(work, config.timeoutMs, deps.stopSignal);
  if (raced.kind !== "done") return unfinished(deps, child, raced.kind);
  const result = raced.value;
  if (result.overflow) {
    return {
      ...outputTooLarge("stdout", config.maxOutputBytes),
      settled: deps.children.terminate(child, config.killGraceMs),
    };
  }
  if (result.exit.code !== 0) {
    await settleWithin(stderr.done, STDERR_SETTLE_MS);
    return exitFailure(result.exit, stderr.text());
  }
  return outcomeFromOutput(result.bytes, "stdout");
}
