/**
 * @module
 * The one writer discipline every durable store shares (state-store.ts rules): a *group commit*
 * for work a caller waits on (`accept`: calls that arrive while a commit is pending — the same
 * event-loop turn, or while the previous commit runs — join one transaction) and *write-behind*
 * for work nobody waits on (`record`, idempotency keys: coalesced by key, committed in batches
 * on a short timer, retained and retried when a batch fails). One `commit` callback writes both
 * kinds in one transaction, the awaited rows first, so a write-behind update never lands before
 * the row it updates.
 */
import { StoreUnavailableError } from "./state-store";

/** What one commit writes: awaited rows first, then the latest write-behind state per key. */
export interface Batch<A, W> {
  accepted: A[];
  behind: W[];
}

export interface WriteBatcherOptions<A, W> {
  /** Writes the batch durably (one transaction); throws when it cannot. May be async (postgres). */
  commit(batch: Batch<A, W>): void | Promise<void>;
  /** How long write-behind rows wait for company; default 20 ms. */
  behindDelayMs?: number;
  /** Told after each commit whether it worked (drives `healthy()`). */
  onHealth?(healthy: boolean, error?: unknown): void;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

export class WriteBatcher<A, W> {
  private accepted: A[] = [];
  private acceptWaiters: Waiter[] = [];
  private readonly behind = new Map<string, W>();
  private flushWaiters: Waiter[] = [];
  private committing: Promise<void> | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private closed = false;

  constructor(private readonly options: WriteBatcherOptions<A, W>) {}

  /** Resolves once `row` is committed; rejects with StoreUnavailableError when the commit fails. */
  accept(row: A): Promise<void> {
    if (this.closed) return Promise.reject(new StoreUnavailableError("The store is closed"));
    return new Promise((resolve, reject) => {
      this.accepted.push(row);
      this.acceptWaiters.push({ resolve, reject });
      this.immediate ??= setImmediate(this.run);
    });
  }

  /** Queues the latest state of `key` for the next batch (an older queued state is replaced). */
  behindWrite(key: string, row: W): void {
    this.behind.set(key, row);
    this.timer ??= setTimeout(this.run, this.behindDelay());
  }

  /** Drops queued write-behind rows `drop` selects (a deleted function's keys). */
  discardBehind(drop: (row: W) => boolean): void {
    for (const [key, row] of this.behind) if (drop(row)) this.behind.delete(key);
  }

  /** Resolves once everything queued before the call is committed (rejects if that commit fails). */
  flush(): Promise<void> {
    if (this.accepted.length === 0 && this.behind.size === 0 && !this.committing) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.flushWaiters.push({ resolve, reject });
      this.immediate ??= setImmediate(this.run);
    });
  }

  /** Flushes what is queued (best effort) and refuses further accepts. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush().catch(() => {});
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
  }

  private behindDelay(): number {
    const base = this.options.behindDelayMs ?? 20;
    // A failing store is retried with backoff (up to ~5 s), not hammered every 20 ms.
    return this.failures === 0 ? base : Math.min(5000, base * 2 ** Math.min(this.failures, 8));
  }

  private readonly run = (): void => {
    this.immediate = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.committing) {
      // Calls that arrive meanwhile wait for the next commit, which starts when this one ends.
      void this.committing.then(() => this.schedule());
      return;
    }
    this.committing = this.commitOnce().finally(() => {
      this.committing = undefined;
    });
  };

  private schedule(): void {
    if (this.accepted.length > 0 || this.flushWaiters.length > 0) this.immediate ??= setImmediate(this.run);
    else if (this.behind.size > 0) this.timer ??= setTimeout(this.run, this.behindDelay());
  }

  private async commitOnce(): Promise<void> {
    const batch: Batch<A, W> = { accepted: this.accepted, behind: [...this.behind.values()] };
    const acceptWaiters = this.acceptWaiters;
    const flushWaiters = this.flushWaiters;
    const behindKeys = [...this.behind.keys()];
    this.accepted = [];
    this.acceptWaiters = [];
    this.flushWaiters = [];
    this.behind.clear();
    try {
      if (batch.accepted.length > 0 || batch.behind.length > 0) await this.options.commit(batch);
      this.failures = 0;
      this.options.onHealth?.(true);
      for (const waiter of acceptWaiters) waiter.resolve();
      for (const waiter of flushWaiters) waiter.resolve();
    } catch (error) {
      this.failures++;
      this.options.onHealth?.(false, error);
      const unavailable = asUnavailable(error);
      for (const waiter of acceptWaiters) waiter.reject(unavailable);
      for (const waiter of flushWaiters) waiter.reject(unavailable);
      // Write-behind rows are kept for the next try, unless a newer state was queued meanwhile.
      behindKeys.forEach((key, i) => {
        if (!this.behind.has(key)) this.behind.set(key, batch.behind[i]!);
      });
    }
    this.schedule();
  }
}

/** Any failure to commit is, to callers, "the store cannot persist right now". */
export function asUnavailable(error: unknown): StoreUnavailableError {
  if (error instanceof StoreUnavailableError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`The state store cannot persist: ${message}`, { cause: error });
}
