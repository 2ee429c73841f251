/**
 * @module
 * FILE mode: one process per invocation. The request JSON is written to `INPUT_FILE`, the process
 * runs, and its result is read from `OUTPUT_FILE` after it exits 0. The child finds both paths in
 * its environment. By default every invocation gets its own private directory, so concurrent
 * invocations never share files; pinning `INPUT_FILE`/`OUTPUT_FILE` makes invocations take turns.
 */
import { describe } from "../log.ts";
import { PodErrorCode, podError } from "../errors.ts";
import { execTag } from "../../../src/contracts/log-tag.ts";
import { forwardWithTail, settleWithin, taggedLines } from "../process/index.ts";
import { exitFailure, raceDeadline, spawnOrFail, STDERR_TAIL_BYTES, unfinished } from "./bounded.ts";
import { invocationEnv } from "./env.ts";
import { outcomeFromOutput, outputTooLarge } from "./output.ts";
import type { Invocation, Outcome, Runner, RunnerDeps } from "./runner.ts";

const STDERR_SETTLE_MS = 100;

// Loaded on first use: node:fs costs several milliseconds of start-up in a compiled binary, and
// only FILE mode needs it.
let fsp: Promise<typeof import("node:fs/promises")> | undefined;
const fs = () => {
  fsp ??= import("node:fs/promises");
  return fsp;
};

interface Paths {
  input: string;
  output: string;
  /** Private directory to delete afterwards; absent for pinned paths. */
  dir?: string;
}

export function createFileRunner(deps: RunnerDeps): Runner {
  const pinned = deps.config.inputFile !== undefined || deps.config.outputFile !== undefined;
  let turn: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const invoke = (inv: Invocation): Promise<Outcome> => {
    if (!pinned) return runFile(deps, inv);
    // Shared files: one invocation at a time, each waiting for the previous one's processes.
    const next = turn.then(() => runFile(deps, inv));
    turn = next.then((o) => o.settled).catch(() => {});
    return next;
  };
  return {
    mode: "FILE",
    start: async () => {},
    state: () => (stopped ? "stopped" : "ready"),
    invoke,
    stop: async (signal) => {
      stopped = true;
      await deps.children.terminateAll(deps.config.killGraceMs, signal);
    },
  };
}

async function runFile(deps: RunnerDeps, inv: Invocation): Promise<Outcome> {
  let paths: Paths;
  try {
    paths = await preparePaths(deps, inv.body);
  } catch (error) {
    return { ok: false, error: podError(PodErrorCode.spawnError, `Cannot write the input file: ${describe(error)}`) };
  }
  const outcome = await runInFiles(deps, inv, paths);
  if (!paths.dir) return outcome;
  const { rm } = await fs();
  const remove = () => rm(paths.dir!, { recursive: true, force: true }).catch(() => {});
  // Normally the child is gone already and the directory goes before we answer; after a timeout
  // it goes once the child has been killed.
  if (!outcome.settled) {
    await remove();
    return outcome;
  }
  return { ...outcome, settled: outcome.settled.then(remove) };
}

async function preparePaths(deps: RunnerDeps, body: Uint8Array): Promise<Paths> {
  const { inputFile, outputFile } = deps.config;
  const { mkdtemp, rm } = await fs();
  const dir = inputFile && outputFile ? undefined : await mkdtemp(`${deps.config.tmpDir}/watchdog-`);
  const paths: Paths = {
    input: inputFile ?? `${dir}/input.json`,
    output: outputFile ?? `${dir}/output.json`,
    dir,
  };
  await Bun.write(paths.input, body);
  // A stale result from an earlier run must never be mistaken for this one's.
  await rm(paths.output, { force: true });
  return paths;
}

async function runInFiles(deps: RunnerDeps, inv: Invocation, paths: Paths): Promise<Outcome> {
  const { config } = deps;
  const child = spawnOrFail(deps, {
    env: { ...invocationEnv(deps.baseEnv, inv), INPUT_FILE: paths.input, OUTPUT_FILE: paths.output },
    stdin: "ignore",
    stdout: "inherit",
    stderr: "pipe",
  });
  if (!("pid" in child)) return child;
  const stderr = forwardWithTail(
    child.stderr!,
    taggedLines(deps.stderr, execTag(inv.executionId, inv.traceId)),
    STDERR_TAIL_BYTES,
  );
  const raced = await raceDeadline(child.exited, config.timeoutMs, deps.stopSignal);
  if (raced.kind !== "done") return unfinished(deps, child, raced.kind);
  if (raced.value.code !== 0) {
    await settleWithin(stderr.done, STDERR_SETTLE_MS);
    return exitFailure(raced.value, stderr.text());
  }
  return readOutputFile(paths.output, config.maxOutputBytes);
}

async function readOutputFile(path: string, limit: number): Promise<Outcome> {
  const { stat } = await fs();
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) {
    return { ok: false, error: podError(PodErrorCode.invalidOutput, `Output file ${path} was not created`) };
  }
  if (info.size > limit) return outputTooLarge("output file", limit);
  return outcomeFromOutput(await Bun.file(path).bytes(), "output file");
}
