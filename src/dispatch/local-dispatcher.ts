/**
 * @module
 * LOCAL mode (reference §5.1): an in-process echo — success with output = input, warm. Useful for
 * trying the API and for measuring the control plane alone.
 */
import type { AttemptResult, Dispatcher } from "./dispatcher";

export function createLocalDispatcher(): Dispatcher {
  return {
    dispatch: (task) =>
      Promise.resolve<AttemptResult>({
        ok: true,
        output: task.record.request.input,
        coldStart: false,
        initDurationMs: null,
      }),
  };
}
