/**
 * @module
 * Where start-up recovery (recovery.ts, issue 17) puts the executions it rebuilds: back in memory,
 * recorded as the store will now see them, and into their function's async lane — or, when the lane
 * is full, into a backlog this class alone owns. The backlog feeds the lane, FIFO, as slots come
 * back, so a restart never rejects work it had already accepted.
 */
import type { ResolvedFunction } from "../domain/resolved-function";
import type { FunctionQueue } from "../queue/function-queue";
import type { EngineObserver } from "./engine-observer";
import type { ExecutionRecord } from "./execution-record";
import { executionRowOf } from "./execution-row";
import type { ExecutionStore } from "./execution-store";
import type { DurableExecutions } from "./durable-executions";
import type { RecoveryTarget } from "./recovery";

export interface RecoveredBacklogDeps {
  queues: ReadonlyMap<string, FunctionQueue>;
  store: ExecutionStore;
  durable?: DurableExecutions;
  observer: EngineObserver;
}

export class RecoveredBacklog implements RecoveryTarget {
  private readonly waiting = new Map<string, ExecutionRecord[]>();

  constructor(private readonly deps: RecoveredBacklogDeps) {}

  functionNamed(name: string): ResolvedFunction | undefined {
    return this.deps.queues.get(name)?.fn;
  }

  /** Nothing is waiting (the common case: checked on every slot release). */
  get isEmpty(): boolean {
    return this.waiting.size === 0;
  }

  /** Takes a rebuilt record back; queued now if its lane has room and nothing recovered is ahead of it. */
  resume(record: ExecutionRecord): void {
    const queue = this.deps.queues.get(record.fn.name)!;
    this.deps.store.put(record);
    this.deps.durable?.executions.record(executionRowOf(record));
    const waiting = this.waiting.get(queue.name);
    if (!waiting && queue.hasRoom("async") && queue.async.push(record)) {
      this.deps.observer.onEnqueued?.(record, "async");
      return;
    }
    if (waiting) waiting.push(record);
    else this.waiting.set(queue.name, [record]);
  }

  /** Moves waiting records into the lane while it has room (after a slot came back). */
  feed(queue: FunctionQueue): void {
    const waiting = this.waiting.get(queue.name);
    if (!waiting) return;
    let fed = 0;
    while (fed < waiting.length && queue.hasRoom("async") && queue.async.push(waiting[fed]!)) {
      this.deps.observer.onEnqueued?.(waiting[fed]!, "async");
      fed++;
    }
    waiting.splice(0, fed);
    if (waiting.length === 0) this.waiting.delete(queue.name);
  }

  /** The function is gone: hands each of its waiting records to `end`, and forgets them. */
  drop(name: string, end: (record: ExecutionRecord) => void): void {
    for (const record of this.waiting.get(name) ?? []) end(record);
    this.waiting.delete(name);
  }
}
