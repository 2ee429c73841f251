/**
 * @module
 * Where registered functions live. In memory today; the interface is small so a durable store
 * (SQLite, PostgreSQL — SPEC §5) can replace it without touching the API or the engine.
 */
import type { ResolvedFunction } from "../domain/resolved-function";

export interface FunctionRegistry {
  get(name: string): ResolvedFunction | undefined;
  list(): ResolvedFunction[];
  put(fn: ResolvedFunction): void;
  delete(name: string): boolean;
}

export function createInMemoryFunctionRegistry(): FunctionRegistry {
  const byName = new Map<string, ResolvedFunction>();
  return {
    get: (name) => byName.get(name),
    // Sorted by name: stable output for people and scripts (the reference used hash order).
    list: () => [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)),
    put: (fn) => void byName.set(fn.name, fn),
    delete: (name) => byName.delete(name),
  };
}
