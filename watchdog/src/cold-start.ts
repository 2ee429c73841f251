/**
 * @module
 * Cold-start headers (SPEC §2): the first *successful* response of the process carries
 * `X-Cold-Start: true` and `X-Init-Duration-Ms`. Unlike the reference SDKs, a failed first
 * invocation does not use up the flag. JavaScript runs one handler at a time, so a plain boolean
 * flip is enough for "exactly one response, even under concurrency".
 */
import { Header } from "../../src/contracts/headers.ts";

export interface ColdStart {
  /** Call when initialisation ends: the HTTP child is healthy, or the server listens (STDIO/FILE). */
  markReady(nowMs: number): void;
  /** Headers for this successful response: the cold-start pair once, then nothing. */
  take(): Record<string, string> | undefined;
}

/** `nowMs` values are milliseconds since process start (`performance.now()`). */
export function createColdStart(): ColdStart {
  let initMs: number | undefined;
  let taken = false;
  return {
    markReady(nowMs) {
      initMs ??= Math.max(0, Math.round(nowMs));
    },
    take() {
      if (taken || initMs === undefined) return undefined;
      taken = true;
      return { [Header.coldStart]: "true", [Header.initDurationMs]: String(initMs) };
    },
  };
}
