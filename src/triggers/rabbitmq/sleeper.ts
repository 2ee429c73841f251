/**
 * @module
 * Waits that a consumer's stop cuts short: every pending `sleep` and `untilWoken` resolves at once
 * on `wakeAll()` (the reconnect backoff, messages waiting for room in the lane, the session watch).
 */
export class Sleeper {
  private readonly waiting = new Set<() => void>();

  /** Resolves after `ms`, or at the next `wakeAll()`. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiting.add(done);
    });
  }

  /** `woken` resolves at the next `wakeAll()` only; `dispose` forgets it when no longer wanted. */
  untilWoken(): { woken: Promise<void>; dispose: () => void } {
    let done = () => {};
    const woken = new Promise<void>((resolve) => {
      done = () => {
        this.waiting.delete(done);
        resolve();
      };
      this.waiting.add(done);
    });
    return { woken, dispose: () => this.waiting.delete(done) };
  }

  wakeAll(): void {
    for (const done of [...this.waiting]) done();
  }

  /** Pending waits (tests: nothing is left behind). */
  get size(): number {
    return this.waiting.size;
  }
}
