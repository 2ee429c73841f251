/**
 * @module
 * Messages between the event loop (batch-writer.ts) and the SQLite writer thread (batch-worker.ts).
 * Every request carries a sequence number; the thread answers each, in order.
 */

export type WorkerRequest =
  | { type: "open"; seq: number; path: string; fsync: boolean; busyTimeoutMs: number }
  /** `batch`: JSON of `{accepted: ExecutionRow[], behind: BehindRow[]}`. */
  | { type: "commit"; seq: number; batch: string }
  | { type: "close"; seq: number };

export type WorkerReply =
  | { type: "done"; seq: number }
  /** `name` and `code` survive the thread boundary: they tell an outage from a poison row (sqlite-errors.ts). */
  | { type: "failed"; seq: number; error: { message: string; name?: string; code?: string } };
