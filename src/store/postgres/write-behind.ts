/**
 * @module
 * Write-behind batches (`executions.record`, `idempotency.publish`, `audit.append`): `push` never
 * blocks; rows are coalesced by key (the latest state of a row wins), written in batches of at most
 * `maxBatch`, one batch at a time (so a newer state never lands before an older one), and a failed
 * batch stays queued and is retried with backoff — nothing is dropped while the database is away.
 * `flush()` resolves once every row pushed before it is durable, and rejects (without dropping
 * anything) when a write fails meanwhile, so a caller never waits on an outage.
 */
import { type BackoffOptions, DEFAULT_BACKOFF } from "./database";

export interface WriteBehindOptions {
  /** Told about each failed batch (it stays queued and is retried). */
  onError: (error: unknown) => void;
  /** False once the store is closed: no more retries. */
  active: () => boolean;
  backoff?: BackoffOptions;
  /** Rows per statement (PostgreSQL takes at most 65 535 parameters). */
  maxBatch?: number;
}

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class WriteBehind<T> {
  #pending = new Map<string, { row: T; seq: number }>();
  #seq = 0;
  /** Every row pushed with a seq ≤ this is durable. */
  #durable = 0;
  #writing = false;
  #waiters: Waiter[] = [];
  #pause: number;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly write: (rows: T[]) => Promise<void>,
    private readonly options: WriteBehindOptions,
  ) {
    this.#pause = this.backoff.initialMs;
  }

  private get backoff() {
    return this.options.backoff ?? DEFAULT_BACKOFF;
  }

  push(key: string, row: T): void {
    this.#pending.delete(key); // re-insert so the map's order stays the push order
    this.#pending.set(key, { row, seq: ++this.#seq });
    if (!this.#writing && this.#timer === undefined) queueMicrotask(() => this.drain());
  }

  /** Drops queued rows `matches` selects (e.g. a deleted function's keys) before they are written. */
  discard(matches: (key: string) => boolean): void {
    for (const key of this.#pending.keys()) if (matches(key)) this.#pending.delete(key);
    if (this.#pending.size === 0 && !this.#writing) this.settle(this.#seq);
  }

  get size(): number {
    return this.#pending.size;
  }

  flush(): Promise<void> {
    if (this.#pending.size === 0 && !this.#writing) return Promise.resolve();
    const seq = this.#seq;
    return new Promise((resolve, reject) => {
      this.#waiters.push({ seq, resolve, reject });
      if (this.#timer !== undefined) {
        clearTimeout(this.#timer); // a caller is waiting: retry now rather than after the pause
        this.#timer = undefined;
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    if (this.#writing || this.#pending.size === 0) return;
    this.#writing = true;
    try {
      while (this.#pending.size > 0) {
        const batch = [...this.#pending.entries()].slice(0, this.options.maxBatch ?? 1000);
        await this.write(batch.map(([, entry]) => entry.row));
        for (const [key, entry] of batch) {
          // a row pushed again while its batch was written stays queued with its newer state
          if (this.#pending.get(key) === entry) this.#pending.delete(key);
        }
        this.#pause = this.backoff.initialMs;
        this.settle(this.#pending.size === 0 ? this.#seq : this.lowestPendingSeq() - 1);
      }
    } catch (error) {
      this.options.onError(error);
      this.failWaiters(error);
      if (!this.options.active()) return;
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        if (this.options.active()) void this.drain();
      }, this.#pause);
      this.#pause = Math.min(this.#pause * 2, this.backoff.maxMs);
    } finally {
      this.#writing = false;
    }
  }

  private lowestPendingSeq(): number {
    let lowest = Number.POSITIVE_INFINITY;
    for (const entry of this.#pending.values()) lowest = Math.min(lowest, entry.seq);
    return lowest;
  }

  private settle(durable: number) {
    this.#durable = Math.max(this.#durable, durable);
    this.#waiters = this.#waiters.filter((waiter) => {
      if (waiter.seq > this.#durable) return true;
      waiter.resolve();
      return false;
    });
  }

  private failWaiters(error: unknown) {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }
}
