/**
 * @module
 * The dev loop (`just dev`, NANOFAAS_DEV_WATCH=true): editing a function's handler restarts that
 * function's replicas, and only them — the control plane and every other function keep running.
 * A function's files are the arguments of its `command` (and the words of its `runtimeCommand`)
 * that name existing files: their directories are watched (not recursively: a handler's folder,
 * not the whole repository), so a helper module beside the handler counts too. A burst of events
 * (an editor's write-rename-chmod) restarts once, `debounceMs` after the last one.
 */
import { existsSync, type FSWatcher, statSync, watch } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import type { ResolvedFunction } from "../domain/resolved-function";

export interface DevWatchDeps {
  /** The functions to watch (those registered from NANOFAAS_FUNCTIONS_DIR). */
  functions: readonly ResolvedFunction[];
  /** Replaces the function's replicas (the deployer's provision: the set is replaced). */
  restart(fn: ResolvedFunction): Promise<void>;
  log(message: string): void;
  /** Where relative paths in commands start (the process backend's cwd). */
  cwd: string;
  debounceMs?: number;
}

/** Editors' temporary and backup files: a save touches them before the real file. */
const ignored = (file: string) => file.startsWith(".") || file.endsWith("~") || /\.(swp|swx|tmp)$/.test(file);

/** The directories holding the files `fn` runs, absolute. */
export function sourceDirs(fn: ResolvedFunction, cwd: string): string[] {
  const words = [...fn.command, ...(fn.runtimeCommand?.split(/\s+/) ?? [])];
  const dirs = new Set<string>();
  for (const word of words) {
    if (!word || word.startsWith("-")) continue;
    const path = resolve(cwd, word);
    try {
      if (existsSync(path) && statSync(path).isFile()) dirs.add(dirname(path));
    } catch {
      // Unreadable: not one of its files as far as we can tell.
    }
  }
  return [...dirs];
}

export function watchFunctionSources(deps: DevWatchDeps): { close(): void } {
  const byDir = new Map<string, ResolvedFunction[]>();
  for (const fn of deps.functions) {
    if (fn.effectiveExecutionMode !== "DEPLOYMENT") continue;
    for (const dir of sourceDirs(fn, deps.cwd)) byDir.set(dir, [...(byDir.get(dir) ?? []), fn]);
  }
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const changed = new Map<string, string>();
  const restart = (fn: ResolvedFunction) => {
    const file = changed.get(fn.name);
    timers.delete(fn.name);
    changed.delete(fn.name);
    const started = performance.now();
    deps.log(`${file} changed: restarting the replicas of '${fn.name}'`);
    deps.restart(fn).then(
      () => deps.log(`'${fn.name}' restarted in ${Math.round(performance.now() - started)} ms`),
      (error: unknown) => deps.log(`'${fn.name}' could not be restarted: ${(error as Error).message}`),
    );
  };
  const watchers: FSWatcher[] = [];
  for (const [dir, fns] of byDir) {
    const watcher = watch(dir, (_event, file) => {
      const name = file ? basename(file.toString()) : "";
      if (!name || ignored(name)) return;
      for (const fn of fns) {
        changed.set(fn.name, name);
        clearTimeout(timers.get(fn.name));
        timers.set(
          fn.name,
          setTimeout(() => restart(fn), deps.debounceMs ?? 100),
        );
      }
    });
    watcher.on("error", (error) => deps.log(`watching ${dir} stopped: ${error.message}`));
    watchers.push(watcher);
  }
  deps.log(
    byDir.size === 0
      ? "dev watch: no function files to watch"
      : `dev watch: ${[...byDir.keys()].length} folder(s) of ${deps.functions.length} function(s)`,
  );
  return {
    close() {
      for (const watcher of watchers) watcher.close();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
