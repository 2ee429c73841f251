/**
 * @module
 * Several EngineObservers as one. Each hook becomes the single implementation when only one
 * observer has it, or a small loop otherwise, so the engine still makes one call per event and
 * hooks nobody implements stay absent (the engine skips them with `?.`).
 */
import type { EngineObserver } from "../execution/engine-observer";

/** Every hook of EngineObserver; `satisfies` makes a new hook a compile error here until listed. */
const HOOKS = {
  onEnqueued: true,
  onRejected: true,
  onDispatched: true,
  onRetryScheduled: true,
  onFinished: true,
  onCallerTimeout: true,
  onQueueTimeout: true,
  onSlotsChanged: true,
} as const satisfies Record<keyof Required<EngineObserver>, true>;

/** Hooks take at most three arguments; fixed parameters avoid a rest array per event. */
type Hook = (a?: unknown, b?: unknown, c?: unknown) => void;

/** Combines observers; hooks run in argument order (put the trace normaliser first). */
export function combineObservers(...observers: (EngineObserver | undefined)[]): EngineObserver {
  const combined: Record<string, Hook> = {};
  for (const name of Object.keys(HOOKS)) {
    const hooks: Hook[] = [];
    for (const observer of observers) {
      const hook = (observer as Record<string, Hook | undefined> | undefined)?.[name];
      if (hook) hooks.push(hook.bind(observer));
    }
    if (hooks.length === 1) combined[name] = hooks[0]!;
    else if (hooks.length > 1) {
      combined[name] = (a?: unknown, b?: unknown, c?: unknown) => {
        for (const hook of hooks) hook(a, b, c);
      };
    }
  }
  return combined as EngineObserver;
}
