/**
 * @module
 * Several EngineObservers as one. Each hook becomes the single implementation when only one
 * observer has it, or a small loop otherwise, so the engine still makes one call per event and
 * hooks nobody implements stay absent (the engine skips them with `?.`). In the loop a throwing
 * hook does not stop the others: the first error is rethrown once all have run, for the engine's
 * guard (`guardObserver`) to report.
 */
import { type AnyHook, type EngineObserver, OBSERVER_HOOKS } from "../execution/engine-observer";

/** Combines observers; hooks run in argument order (put the trace normaliser first). */
export function combineObservers(...observers: (EngineObserver | undefined)[]): EngineObserver {
  const combined: Record<string, AnyHook> = {};
  for (const name of Object.keys(OBSERVER_HOOKS)) {
    const hooks: AnyHook[] = [];
    for (const observer of observers) {
      const hook = (observer as Record<string, AnyHook | undefined> | undefined)?.[name];
      if (hook) hooks.push(hook.bind(observer));
    }
    if (hooks.length === 1) combined[name] = hooks[0]!;
    else if (hooks.length > 1) combined[name] = runAll(hooks);
  }
  return combined as EngineObserver;
}

function runAll(hooks: AnyHook[]): AnyHook {
  return (a?: unknown, b?: unknown, c?: unknown) => {
    let failure: { error: unknown } | undefined;
    for (const hook of hooks) {
      try {
        hook(a, b, c);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  };
}
