/**
 * @module
 * Where the SQLite store's WriteBatcher commits run. A database file gets a writer thread
 * (batch-worker.ts, its own connection to the same WAL file): the event loop only serialises each
 * batch to one JSON string and hands it over, so a sync `:invoke` no longer pays for the INSERT,
 * index updates, WAL appends and checkpoints of its write-behind row, and a group commit's fsync
 * no longer stalls every other request. An in-memory database (tests) cannot be shared between
 * connections, so it commits on the event loop as before.
 *
 * Durability is unchanged: `accept` still resolves only after the thread's transaction committed
 * (and fsynced with `full`); write-behind rows handed to the thread and not yet committed are lost
 * on SIGKILL exactly like rows still waiting for their batch (docs/persistence.md).
 */
import type { Database } from "bun:sqlite";
import type { Batch } from "../write-batcher";
import type { ExecutionRow } from "../state-store";
import type { WorkerReply, WorkerRequest } from "./batch-protocol";
import { type BehindRow, prepareBatchCommit } from "./core-rows";

export interface BatchWriter {
  commit(batch: Batch<ExecutionRow, BehindRow>): void | Promise<void>;
  close(): Promise<void>;
}

/** Commits on the calling thread (`:memory:` databases). */
export function inThreadWriter(db: Database, setLevel: (awaited: boolean) => void): BatchWriter {
  const batch = prepareBatchCommit(db, setLevel);
  return {
    commit: batch.commit,
    close: async () => {
      for (const statement of batch.statements) statement.finalize();
    },
  };
}

/** True when `db` is a file another connection (the writer thread) can open. */
export function sharesFile(db: Database): boolean {
  return db.filename !== "" && db.filename !== ":memory:" && !db.filename.startsWith("file::memory:");
}

// In the compiled binary the worker is a second entry point, resolved relative to the entry points'
// common root (src/), not to this module (scripts/build.ts passes it).
const WORKER_URL = import.meta.url.includes("/$bunfs/")
  ? "./store/sqlite/batch-worker.ts"
  : new URL("./batch-worker.ts", import.meta.url).href;

/** Bun's Worker can be unreferenced (lib.dom's type does not say so). */
type BunWorker = Worker & { ref(): void; unref(): void };

interface Pending {
  resolve(): void;
  reject(error: Error): void;
}

export interface ThreadWriterOptions {
  path: string;
  fsync: boolean;
  busyTimeoutMs: number;
}

/** Commits on a writer thread; a thread that fails to open or dies is replaced at the next commit. */
export class ThreadWriter implements BatchWriter {
  private worker: BunWorker | undefined;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly options: ThreadWriterOptions) {}

  commit(batch: Batch<ExecutionRow, BehindRow>): Promise<void> {
    return this.send({ type: "commit", seq: ++this.seq, batch: JSON.stringify(batch) });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await this.send({ type: "close", seq: ++this.seq }).catch(() => {});
    this.discard(worker, new Error("the SQLite writer thread was closed"));
  }

  private send(request: WorkerRequest): Promise<void> {
    const worker = this.worker ?? this.start();
    return new Promise<void>((resolve, reject) => {
      this.pending.set(request.seq, { resolve, reject });
      // Referenced only while it owes an answer: an idle writer never keeps the process alive.
      worker.ref();
      worker.postMessage(request);
    });
  }

  private start(): BunWorker {
    const worker = new Worker(WORKER_URL) as BunWorker;
    this.worker = worker;
    worker.onmessage = (event: MessageEvent<WorkerReply>) => this.settle(worker, event.data);
    worker.onerror = (event) => this.discard(worker, new Error(`the SQLite writer thread failed: ${event.message}`));
    const { path, fsync, busyTimeoutMs } = this.options;
    // Requests are answered in order, so commits sent right after the open wait for it; a failed
    // open fails them too and drops the thread, so the next commit tries a fresh one.
    this.send({ type: "open", seq: ++this.seq, path, fsync, busyTimeoutMs }).catch((error: Error) =>
      this.discard(worker, error),
    );
    return worker;
  }

  private settle(worker: BunWorker, reply: WorkerReply): void {
    const waiter = this.pending.get(reply.seq);
    this.pending.delete(reply.seq);
    if (this.pending.size === 0) worker.unref();
    if (!waiter) return;
    if (reply.type === "done") waiter.resolve();
    else waiter.reject(threadError(reply.error));
  }

  private discard(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    worker.terminate();
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const waiter of waiting) waiter.reject(error);
  }
}

/** The thread's error as this side sees it: same message, name and code (sqlite-errors.ts reads them). */
function threadError(error: { message: string; name?: string; code?: string }): Error {
  const rebuilt = new Error(error.message);
  if (error.name) rebuilt.name = error.name;
  return error.code === undefined ? rebuilt : Object.assign(rebuilt, { code: error.code });
}
