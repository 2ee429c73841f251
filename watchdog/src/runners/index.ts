/**
 * @module
 * Picks the runner for `EXECUTION_MODE`.
 */
import { createFileRunner } from "./file.ts";
import { createHttpRunner } from "./http.ts";
import type { Runner, RunnerDeps } from "./runner.ts";
import { createStdioRunner } from "./stdio.ts";

export interface RunnerHooks {
  /** Warm mode: restart the HTTP child after a crash or hang. */
  supervise: boolean;
  onReady(): void;
  onRestart(): void;
}

export function createRunner(deps: RunnerDeps, hooks: RunnerHooks): Runner {
  switch (deps.config.mode) {
    case "HTTP":
      return createHttpRunner(deps, hooks);
    case "STDIO":
      return createStdioRunner(deps);
    case "FILE":
      return createFileRunner(deps);
  }
}

export { RunnerStartError } from "./http.ts";
export type { Invocation, Outcome, Runner, RunnerDeps, RunnerState } from "./runner.ts";
