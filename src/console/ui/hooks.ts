/** Small Preact hooks shared by the pages: polling loads and the hash route. */
import { useEffect, useState } from "preact/hooks";

export interface Loaded<T> {
  data?: T;
  error?: string;
  /** Loads again now (after an action changed what the page shows). */
  reload: () => void;
}

/**
 * Loads `load()` now and, with `everyMs`, again that often while the page is shown (a request
 * at a time: the next one starts only after the previous answer, so a slow server is not piled on).
 */
export function usePoll<T>(load: () => Promise<T>, deps: unknown[], everyMs?: number): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const data = await load();
        if (live) setState({ data });
      } catch (error) {
        if (live) setState((s) => ({ data: s.data, error: error instanceof Error ? error.message : String(error) }));
      }
      if (live && everyMs) timer = setTimeout(run, everyMs);
    };
    run();
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // The caller lists in `deps` what `load` reads (as for useEffect itself).
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

/** The part of the URL after `#`, e.g. `/functions/echo`; `/` when empty. */
export function useHashRoute(): string {
  const read = () => decodeURI(location.hash.replace(/^#/, "")) || "/";
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => setRoute(read());
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return route;
}
