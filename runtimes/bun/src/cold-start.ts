/**
 * @module
 * Cold-start bookkeeping. JavaScript runs one callback at a time, so a plain flag flipped inside a
 * synchronous function is enough to hand the headers to exactly one response.
 */
import { Header } from "../../../src/contracts/headers.ts";

export interface ColdStart {
  /** Called when an invocation starts: true only for the first one of the process. */
  startInvocation(): boolean;
  /** Called for a successful response: the cold-start headers the first time, then undefined. */
  claimHeaders(): Record<string, string> | undefined;
}

export function createColdStart(initDurationMs: number): ColdStart {
  let started = false;
  let reported = false;
  return {
    startInvocation() {
      if (started) return false;
      started = true;
      return true;
    },
    claimHeaders() {
      if (reported) return undefined;
      reported = true;
      return { [Header.coldStart]: "true", [Header.initDurationMs]: String(Math.max(0, Math.round(initDurationMs))) };
    },
  };
}
