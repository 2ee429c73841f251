/**
 * @module
 * How the engine (and the meters beside it) learn that functions appear and disappear. The
 * function service calls these; the engine defines the port, so the registry depends on the
 * engine's contract and not the other way round.
 */
import type { ResolvedFunction } from "../domain/resolved-function";

/** Reacts to functions appearing and disappearing. Listeners must not throw on remove. */
export interface FunctionLifecycleListener {
  onRegistered(fn: ResolvedFunction): void;
  onRemoved(fn: ResolvedFunction): void;
  /**
   * A new version replaced `previous` in place (PUT, rollback). A listener without it is told
   * onRemoved(previous) then onRegistered(fn).
   */
  onUpdated?(fn: ResolvedFunction, previous: ResolvedFunction): void;
}
