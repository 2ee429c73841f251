/**
 * @module
 * A manual clock with timers (for code that takes `clock` and `timers`, e.g. `lib/deadlines`):
 * nothing fires until the test calls `advance`, which runs every timer due by then in time order
 * (ties in the order they were set) with the clock set to each timer's time.
 */

export interface FakeTimer {
  readonly at: number;
  /** Whether the timer would keep the process alive (Bun's `ref`/`unref`). */
  referenced: boolean;
  ref(): FakeTimer;
  unref(): FakeTimer;
}

export class FakeTimers {
  private time = 0;
  private sequence = 0;
  private readonly pending: { timer: FakeTimer; fire: () => void; order: number }[] = [];

  /** The clock: pass as `clock`. */
  readonly now = (): number => this.time;

  /** Pass as `timers`. */
  readonly setTimeout = (fire: () => void, delayMs: number): FakeTimer => {
    const timer: FakeTimer = {
      at: this.time + Math.max(0, delayMs),
      referenced: true,
      ref: () => {
        timer.referenced = true;
        return timer;
      },
      unref: () => {
        timer.referenced = false;
        return timer;
      },
    };
    this.pending.push({ timer, fire, order: this.sequence++ });
    return timer;
  };

  /** Timers set and not yet fired. */
  get armed(): FakeTimer[] {
    return this.pending.map((p) => p.timer);
  }

  /** Moves the clock forward by `ms`, firing each timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      this.pending.splice(this.pending.indexOf(next), 1);
      this.time = next.timer.at;
      next.fire();
    }
    this.time = end;
  }

  private nextDue(end: number) {
    let best: (typeof this.pending)[number] | undefined;
    for (const p of this.pending) {
      if (p.timer.at > end) continue;
      if (!best || p.timer.at < best.timer.at || (p.timer.at === best.timer.at && p.order < best.order)) best = p;
    }
    return best;
  }
}
