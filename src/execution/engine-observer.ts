/**
 * @module
 * Hooks the engine calls at each step of an execution's life, so metrics, logs and traces stay
 * out of the engine. Every hook is optional; the default observer does nothing. Hooks run inside
 * engine transitions (dispatch, terminal transition), so the engine calls them through
 * `guardObserver`: a hook that throws is reported and skipped, never leaves an execution half-done.
 */
import type { QueueRejectReason } from "../contracts/headers";
import type { ExecutionRecord, Lane } from "./execution-record";

export interface EngineObserver {
  /** A record entered a lane (first admission or a retry). */
  onEnqueued?(record: ExecutionRecord, lane: Lane): void;
  onRejected?(functionName: string, lane: Lane, reason: QueueRejectReason): void;
  onDispatched?(record: ExecutionRecord): void;
  onRetryScheduled?(record: ExecutionRecord, delayMs: number): void;
  /** A record reached a terminal state. */
  onFinished?(record: ExecutionRecord): void;
  /** A sync caller's wait expired. */
  onCallerTimeout?(record: ExecutionRecord): void;
  /** A sync item waited longer than the max queue wait. */
  onQueueTimeout?(record: ExecutionRecord): void;
  onSlotsChanged?(functionName: string, inFlight: number): void;
}

export const NO_OBSERVER: EngineObserver = {};

/** Every hook of EngineObserver; `satisfies` makes a new hook a compile error here until listed. */
export const OBSERVER_HOOKS = {
  onEnqueued: true,
  onRejected: true,
  onDispatched: true,
  onRetryScheduled: true,
  onFinished: true,
  onCallerTimeout: true,
  onQueueTimeout: true,
  onSlotsChanged: true,
} as const satisfies Record<keyof Required<EngineObserver>, true>;

export type ObserverHookName = keyof typeof OBSERVER_HOOKS;

/** Hooks take at most three arguments; fixed parameters avoid a rest array per event. */
export type AnyHook = (a?: unknown, b?: unknown, c?: unknown) => void;

/**
 * `observer` with each hook wrapped in its own try/catch: an error goes to `report` with the hook's
 * name and the engine carries on. Absent hooks stay absent (the engine skips them with `?.`).
 */
export function guardObserver(
  observer: EngineObserver,
  report: (error: unknown, hook: ObserverHookName) => void,
): EngineObserver {
  const guarded: Partial<Record<ObserverHookName, AnyHook>> = {};
  for (const name of Object.keys(OBSERVER_HOOKS) as ObserverHookName[]) {
    const hook = (observer as Record<string, AnyHook | undefined>)[name]?.bind(observer);
    if (!hook) continue;
    guarded[name] = (a?: unknown, b?: unknown, c?: unknown) => {
      try {
        hook(a, b, c);
      } catch (error) {
        report(error, name);
      }
    };
  }
  return guarded as EngineObserver;
}
