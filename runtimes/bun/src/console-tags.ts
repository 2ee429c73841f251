/**
 * @module
 * `console.log` and friends, called while a handler runs, print each line with the execution's tag
 * (src/contracts/log-tag.ts), so that `nanofaas logs --execution ID` finds a handler's plain
 * console output even when invocations run concurrently in one process. `ctx.logger` lines carry
 * `executionId` in their JSON already. Outside an invocation (start-up, timers the handler left
 * behind) console output is untouched.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { format } from "node:util";
import { execTag } from "../../../src/contracts/log-tag.ts";

const currentTag = new AsyncLocalStorage<string>();
const METHODS = ["log", "info", "warn", "error", "debug"] as const;
type ConsoleLike = Pick<Console, (typeof METHODS)[number]>;
const installed = new WeakSet<ConsoleLike>();

/** Every line of `text` starting with `tag`. */
export function tagEachLine(tag: string, text: string): string {
  return tag + text.replaceAll("\n", `\n${tag}`);
}

/** Wraps the console methods once (serve.ts does it before the port opens; tests pass their own). */
export function tagConsoleOutput(target: ConsoleLike = console): void {
  if (installed.has(target)) return;
  installed.add(target);
  for (const method of METHODS) {
    const original = target[method].bind(target);
    target[method] = (...args: unknown[]) => {
      const tag = currentTag.getStore();
      if (tag === undefined) original(...args);
      else original(tagEachLine(tag, format(...args)));
    };
  }
}

/** Runs `work` (one invocation's handler) with its console output tagged. */
export function withExecutionTag<T>(executionId: string, traceId: string | null | undefined, work: () => T): T {
  return currentTag.run(execTag(executionId, traceId ?? undefined), work);
}
