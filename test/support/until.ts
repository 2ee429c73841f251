/**
 * @module
 * The one "wait for a condition" helper of the tests: polls `probe` until it yields a value (not
 * undefined, null or false), and rejects naming `what` when the time is up. Tests wait on
 * conditions, never on fixed sleeps, so they stay correct on a loaded machine.
 */

export interface UntilOptions {
  /** Default 5000. */
  timeoutMs?: number;
  /** Pause between probes; default 5. */
  intervalMs?: number;
  /** Appended to the timeout error (e.g. the output a child process wrote meanwhile). */
  detail?: () => string;
}

/** Resolves with the probe's first value; a probe that throws is retried (its last error is reported). */
export async function until<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  options: UntilOptions | number = {},
): Promise<T> {
  const { timeoutMs = 5000, intervalMs = 5, detail } = typeof options === "number" ? { timeoutMs: options } : options;
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() >= deadline) {
      const cause = lastError === undefined ? "" : ` (last error: ${(lastError as Error).message})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}${detail ? `\n${detail()}` : ""}`);
    }
    await Bun.sleep(intervalMs);
  }
}
