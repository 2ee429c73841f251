/**
 * @module
 * The loop both electors share: one round at a time (a slow API server never overlaps two rounds),
 * the next `periodMs` after the previous ended, until `stop()` — which waits for a round in flight,
 * so what follows (releasing the lease) never races it.
 */
export class Rounds {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = true;
  #last: Promise<void> = Promise.resolve();

  constructor(
    private readonly round: () => Promise<void>,
    private readonly periodMs: number,
  ) {}

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Runs one round after any in flight (tests drive rounds by hand with it). */
  tick(): Promise<void> {
    // A round that threw must not stop the ones after it.
    this.#last = this.#last.catch(() => {}).then(this.round);
    return this.#last;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#last;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.tick().finally(() => this.#schedule(this.periodMs));
    }, delayMs);
  }
}
