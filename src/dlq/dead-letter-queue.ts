/**
 * @module
 * The dead-letter queue (issue 17, SPEC-platform §1). An async execution that ends in `error`
 * because its attempts ran out, or because its retry found the queue full, is kept here with its
 * request, last error, attempts and time, until it is replayed, deleted, purged or aged out.
 *
 * The engine tells us through its observer (`onFinished`); the add is asynchronous and never
 * blocks the engine: a failure to persist is logged and counted, never thrown into the engine.
 * Replay enqueues a new async execution of the same function with the same input, linked to the
 * original through `parentExecutionId` (and `rootExecutionId`, the first of the chain).
 */
import type { Logger } from "../observability/logger";
import { NanofaasError, notFound } from "../domain/errors";
import type { EngineObserver } from "../execution/engine-observer";
import type { ExecutionRecord } from "../execution/execution-record";
import type { InvocationOutcome, Invoker } from "../execution/invoker";
import { jsonText, RawJson } from "../lib/raw-json";
import type { DeadLetterQuery, DeadLetterRow, DeadLetterRows, Page } from "../store/state-store";
import type { DlqMetrics } from "./dlq-metrics";

/**
 * Async failures that are not dead letters: the function was deleted (a replay could not run),
 * the control plane stopped or restarted under the execution (not the function's failure).
 */
const NOT_DEAD_LETTERS = new Set(["FUNCTION_REMOVED", "SHUTDOWN", "CONTROL_PLANE_RESTARTED"]);

export interface DeadLetterQueueDeps {
  rows: DeadLetterRows;
  /** Replays go through the engine's async path like any `:enqueue`. */
  invoker: Pick<Invoker, "enqueue">;
  metrics?: DlqMetrics;
  logger?: Logger;
  now?: () => number;
  newId?: () => string;
}

export class DeadLetterQueue {
  private readonly now: () => number;
  private readonly newId: () => string;
  /** Entries being replayed right now: a concurrent second replay of one answers 409, not a twin. */
  private readonly replaying = new Set<string>();
  /** Adds not yet settled, so tests and shutdown can wait for them. */
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly deps: DeadLetterQueueDeps) {
    this.now = deps.now ?? Date.now;
    this.newId = deps.newId ?? (() => crypto.randomUUID());
  }

  /** The engine observer that dead-letters failed async executions. */
  readonly observer: EngineObserver = {
    onFinished: (record) => {
      if (isDeadLetter(record)) this.add(record);
    },
  };

  /** Resolves once every add started so far has settled. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  get(id: string): Promise<DeadLetterRow | undefined> {
    return this.deps.rows.get(id);
  }

  list(query: DeadLetterQuery): Promise<Page<DeadLetterRow>> {
    return this.deps.rows.list(query);
  }

  /** Entries per function (a tenant's purge goes function by function). */
  sizes(): Promise<Map<string, number>> {
    return this.deps.rows.sizes();
  }

  async delete(id: string): Promise<boolean> {
    const row = await this.deps.rows.get(id);
    if (!row || !(await this.deps.rows.delete(id))) return false;
    this.deps.metrics?.purged.inc({ function: row.function });
    return true;
  }

  /** Deletes every entry, or every entry of `fn`; returns how many. */
  async purge(fn?: string): Promise<number> {
    const before = fn === undefined ? await this.deps.rows.sizes() : undefined;
    const purged = await this.deps.rows.purge(fn);
    if (fn !== undefined) this.deps.metrics?.purged.inc({ function: fn }, purged);
    else if (before) this.countGone(before, new Map());
    return purged;
  }

  /**
   * Enqueues the entry's request again as a new execution linked to the original. 404 when the
   * entry or its function is gone; 409 when it was already replayed (see docs/persistence.md).
   */
  async replay(id: string): Promise<InvocationOutcome> {
    if (this.replaying.has(id)) throw alreadyReplaying(id);
    this.replaying.add(id);
    try {
      const row = await this.deps.rows.get(id);
      if (!row) throw notFound(`DLQ entry '${id}'`);
      if (row.replayedAs !== null) throw alreadyReplayed(row);
      const outcome = await this.enqueueAgain(row);
      await this.deps.rows.markReplayed(id, outcome.executionId);
      this.deps.metrics?.replayed.inc({ function: row.function });
      return outcome;
    } finally {
      this.replaying.delete(id);
    }
  }

  /** Deletes entries older than `retentionMs` (counted as purged); returns how many. */
  async sweep(retentionMs: number): Promise<number> {
    const before = await this.deps.rows.sizes();
    const swept = await this.deps.rows.sweep(this.now() - retentionMs);
    if (swept > 0) this.countGone(before, await this.deps.rows.sizes());
    return swept;
  }

  /**
   * Sweeps every tenth of the retention (between 1 s and 1 h) until the returned function is
   * called; a failed sweep is logged and tried again at the next tick.
   */
  startSweeping(retentionMs: number, isLeader: () => boolean = () => true): () => void {
    const everyMs = Math.min(3_600_000, Math.max(1000, Math.floor(retentionMs / 10)));
    const timer = setInterval(() => {
      // Several control planes share one store: one of them sweeping is enough (issue 20).
      if (!isLeader()) return;
      this.sweep(retentionMs).catch((error: unknown) =>
        this.deps.logger?.error({ err: error }, "the DLQ retention sweep failed"),
      );
    }, everyMs);
    timer.unref?.();
    return () => clearInterval(timer);
  }

  private async enqueueAgain(row: DeadLetterRow): Promise<InvocationOutcome> {
    const request = { input: new RawJson(row.input), metadata: row.metadata };
    // The original is the root of the chain unless it was itself a replay.
    const lineage = { parentExecutionId: row.executionId, rootExecutionId: row.rootExecutionId ?? row.executionId };
    try {
      return await this.deps.invoker.enqueue(row.function, request, { lineage });
    } catch (error) {
      if (error instanceof NanofaasError && error.code === "NOT_FOUND") {
        const message = `Function '${row.function}' no longer exists, so DLQ entry '${row.id}' cannot be replayed (the entry is kept; register the function again to replay it)`;
        throw new NanofaasError("NOT_FOUND", message);
      }
      throw error;
    }
  }

  private add(record: ExecutionRecord): void {
    const row = deadLetterOf(record, this.newId(), this.now());
    const added = this.deps.rows.add(row).then(
      () => this.deps.metrics?.added.inc({ function: row.function }),
      (error: unknown) => {
        this.deps.metrics?.persistFailures.inc();
        this.deps.logger?.error({ err: error, executionId: row.executionId }, "could not add the execution to the DLQ");
      },
    );
    this.pending.add(added);
    void added.finally(() => this.pending.delete(added));
  }

  /** Counts as purged, per function, what `before` held that `after` does not. */
  private countGone(before: Map<string, number>, after: Map<string, number>): void {
    for (const [fn, size] of before) {
      const gone = size - (after.get(fn) ?? 0);
      if (gone > 0) this.deps.metrics?.purged.inc({ function: fn }, gone);
    }
  }
}

/** Whether a finished execution belongs in the DLQ (async, ended in error, and not by our doing). */
export function isDeadLetter(record: ExecutionRecord): boolean {
  return record.lane === "async" && record.state === "error" && !NOT_DEAD_LETTERS.has(record.error?.code ?? "");
}

function deadLetterOf(record: ExecutionRecord, id: string, now: number): DeadLetterRow {
  return {
    id,
    function: record.fn.name,
    executionId: record.id,
    input: jsonText(record.request.input),
    metadata: record.request.metadata ?? null,
    error: record.error,
    attempts: record.attempt,
    failedAt: record.finishedAt ?? now,
    replayedAs: null,
    rootExecutionId: record.lineage?.rootExecutionId ?? null,
  };
}

const alreadyReplaying = (id: string) =>
  new NanofaasError("CONFLICT", `DLQ entry '${id}' is being replayed by another request`);

const alreadyReplayed = (row: DeadLetterRow) =>
  new NanofaasError(
    "CONFLICT",
    `DLQ entry '${row.id}' was already replayed as execution '${row.replayedAs}'; if that one failed too, it has its own DLQ entry`,
  );
