/**
 * @module
 * The one writer discipline every durable store shares (state-store.ts rules): a *group commit*
 * for work a caller waits on (`accept`: calls that arrive while a commit is pending — the same
 * event-loop turn, or while the previous commit runs — join one transaction) and *write-behind*
 * for work nobody waits on (`record`, idempotency keys: coalesced by key, committed in batches
 * on a short timer, retained and retried when a batch fails). One `commit` callback writes both
 * kinds in one transaction, the awaited rows first, so a write-behind update never lands before
 * the row it updates.
 *
 * A failed commit is one of two things, and the store's `isPoison` tells which:
 * - an *outage* (database down, locked, busy, disk full, a bug we cannot place): the batch's accepts
 *   are refused (503 STORE_UNAVAILABLE) and its write-behind rows are kept and retried with backoff;
 * - a *poison row* (a constraint violation, a value the database refuses: it fails every retry):
 *   the batch is retried row by row, in the same order, so the poison row alone is dropped — its
 *   accept refused, or its write-behind state logged and counted (`onPoisonRow`) — and every other
 *   row of the batch is committed. Without this one bad row would fail its batch forever and take
 *   every accept written with it down too.
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
  /**
   * True when `error` means the batch holds a row the database will never take (a data error), as
   * opposed to an outage. Default: never — every failure is treated as an outage (rows kept).
   */
  isPoison?(error: unknown): boolean;
  /** Told about each row dropped as poison (the store logs it); `awaited` for an accepted row. */
  onPoisonRow?(row: A | W, awaited: boolean, error: unknown): void;
}

/** An accepted row the database refused for its content: retrying the same request fails again. */
export class PoisonRowError extends StoreUnavailableError {}

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
  private poisoned = 0;
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

  /** Rows dropped as poison since start (the `store_poison_rows_total` metric). */
  get poisonRows(): number {
    return this.poisoned;
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
    let outage = await this.tryCommit(batch);
    if (outage && this.options.isPoison?.(outage.error)) {
      outage = await this.isolate(batch, acceptWaiters, behindKeys, outage.error);
    } else if (outage) {
      this.refuse(acceptWaiters, 0, outage.error);
      this.keepBehind(batch.behind, behindKeys, 0);
    } else {
      for (const waiter of acceptWaiters) waiter.resolve();
    }
    if (outage) {
      this.failures++;
      this.options.onHealth?.(false, outage.error);
      const unavailable = asUnavailable(outage.error);
      for (const waiter of flushWaiters) waiter.reject(unavailable);
    } else {
      this.failures = 0;
      this.options.onHealth?.(true);
      for (const waiter of flushWaiters) waiter.resolve();
    }
    this.schedule();
  }

  /** Commits `batch`; the failure, if any (boxed: a thrown `undefined` is still a failure). */
  private async tryCommit(batch: Batch<A, W>): Promise<{ error: unknown } | undefined> {
    if (batch.accepted.length === 0 && batch.behind.length === 0) return undefined;
    try {
      await this.options.commit(batch);
      return undefined;
    } catch (error) {
      return { error };
    }
  }

  /**
   * The batch failed on a poison row: commits its rows one at a time, awaited rows first as in a
   * batch, dropping each row that is poison on its own. An outage met on the way ends it: the rows
   * not yet written are handled as in an outage, and it is returned.
   */
  private async isolate(
    batch: Batch<A, W>,
    acceptWaiters: Waiter[],
    behindKeys: string[],
    batchError: unknown,
  ): Promise<{ error: unknown } | undefined> {
    // A batch of one row has already been tried alone.
    const alone = batch.accepted.length + batch.behind.length === 1;
    for (let i = 0; i < batch.accepted.length; i++) {
      const row = batch.accepted[i]!;
      const failed = alone ? { error: batchError } : await this.tryCommit({ accepted: [row], behind: [] });
      if (!failed) acceptWaiters[i]!.resolve();
      else if (this.options.isPoison?.(failed.error))
        acceptWaiters[i]!.reject(this.dropPoison(row, true, failed.error));
      else {
        this.refuse(acceptWaiters, i, failed.error);
        this.keepBehind(batch.behind, behindKeys, 0);
        return failed;
      }
    }
    for (let i = 0; i < batch.behind.length; i++) {
      const row = batch.behind[i]!;
      const failed = alone ? { error: batchError } : await this.tryCommit({ accepted: [], behind: [row] });
      if (!failed) continue;
      if (this.options.isPoison?.(failed.error)) this.dropPoison(row, false, failed.error);
      else {
        this.keepBehind(batch.behind, behindKeys, i);
        return failed;
      }
    }
    return undefined;
  }

  private dropPoison(row: A | W, awaited: boolean, error: unknown): PoisonRowError {
    this.poisoned++;
    this.options.onPoisonRow?.(row, awaited, error);
    const message = error instanceof Error ? error.message : String(error);
    return new PoisonRowError(
      `The state store refused the row (a data error, not an outage: the same request fails again): ${message}`,
      { cause: error },
    );
  }

  /** Refuses the accepts from `from` on: an outage, so their callers are told 503 and may retry. */
  private refuse(waiters: Waiter[], from: number, error: unknown): void {
    const unavailable = asUnavailable(error);
    for (let i = from; i < waiters.length; i++) waiters[i]!.reject(unavailable);
  }

  /** Keeps write-behind rows from `from` on for the next try, unless a newer state was queued meanwhile. */
  private keepBehind(rows: W[], keys: string[], from: number): void {
    for (let i = from; i < rows.length; i++) {
      const key = keys[i]!;
      if (!this.behind.has(key)) this.behind.set(key, rows[i]!);
    }
  }
}

/** Any failure to commit is, to callers, "the store cannot persist right now". */
export function asUnavailable(error: unknown): StoreUnavailableError {
  if (error instanceof StoreUnavailableError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`The state store cannot persist: ${message}`, { cause: error });
}
