/**
 * @module
 * Group commit for `executions.accept`: every `:enqueue` waits for its row to be durable, and the
 * calls that arrive while one commit is in flight are written together by the next one (a single
 * multi-row INSERT, one transaction, one WAL flush), so throughput grows with concurrency instead of
 * being one commit per request. A failed commit rejects exactly the calls it carried.
 */
interface Pending<T> {
  row: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<T> {
  #pending: Pending<T>[] = [];
  #committing = false;

  constructor(
    private readonly commit: (rows: T[]) => Promise<void>,
    private readonly maxBatch = 1000,
  ) {}

  add(row: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ row, resolve, reject });
      // the first caller of an idle committer waits one microtask so calls of the same tick join it
      if (!this.#committing) {
        this.#committing = true;
        queueMicrotask(() => void this.run());
      }
    });
  }

  private async run() {
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.maxBatch);
      try {
        await this.commit(batch.map((entry) => entry.row));
        for (const entry of batch) entry.resolve();
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.#committing = false;
  }
}
