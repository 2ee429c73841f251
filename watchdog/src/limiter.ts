/**
 * @module
 * In-flight limiter for warm mode (`MAX_INFLIGHT`, 0 = unlimited). Admission is a boolean, never a
 * wait: a saturated pod answers 429 at once so the control plane can pick another replica, where the
 * reference queued requests behind a mutex without bound. `idle()` lets the drain wait for zero.
 */
export interface Limiter {
  readonly inflight: number;
  tryAcquire(): boolean;
  release(): void;
  /** Resolves when nothing is in flight (at once if already idle). */
  idle(): Promise<void>;
}

export function createLimiter(max: number): Limiter {
  let inflight = 0;
  let waiters: Array<() => void> = [];
  return {
    get inflight() {
      return inflight;
    },
    tryAcquire() {
      if (max > 0 && inflight >= max) return false;
      inflight += 1;
      return true;
    },
    release() {
      if (inflight === 0) throw new Error("limiter released more often than acquired");
      inflight -= 1;
      if (inflight === 0 && waiters.length > 0) {
        const wake = waiters;
        waiters = [];
        for (const w of wake) w();
      }
    },
    idle() {
      if (inflight === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
