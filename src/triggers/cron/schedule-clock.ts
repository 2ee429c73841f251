/**
 * @module
 * Time as the cron scheduler sees it: a clock and one-shot timers, injected so tests drive DST
 * changes and restarts with a manual clock (test/fakes/fake-timers.ts) instead of waiting.
 */
export interface ScheduleClock {
  now(): number;
  setTimeout(fire: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: ScheduleClock = {
  now: () => Date.now(),
  setTimeout: (fire, delayMs) => {
    const timer = setTimeout(fire, delayMs);
    // The scheduler never keeps the process alive on its own.
    (timer as { unref?: () => void }).unref?.();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
