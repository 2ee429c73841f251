/**
 * @module
 * Moves work from lanes to dispatch (SPEC §1.4). Nothing here waits on a timer: enqueue, slot
 * release and replica readiness call `wake(queue)`, which schedules one drain in a microtask of the
 * same tick. The drain walks ready functions round-robin, one dispatch per function per turn, so a
 * busy function cannot starve the others.
 */
import type { FunctionQueue } from "../queue/function-queue";

export interface SchedulerDeps {
  /** Whether `queue` can take one more dispatch now (free slot and somewhere to send it). */
  canDispatch(queue: FunctionQueue): boolean;
  /** Dispatches the next record of `queue`; returns false when the lanes held nothing dispatchable. */
  dispatchNext(queue: FunctionQueue): boolean;
}

export class Scheduler {
  // Insertion-ordered set: delete + add moves a function to the back, giving round-robin order.
  private readonly ready = new Set<FunctionQueue>();
  private drainScheduled = false;
  private readonly drainBound = () => this.drain();

  constructor(private readonly deps: SchedulerDeps) {}

  /** Marks `queue` as possibly dispatchable and makes sure a drain runs in this tick. */
  wake(queue: FunctionQueue): void {
    if (queue.removed || queue.backlog === 0) return;
    this.ready.add(queue);
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      queueMicrotask(this.drainBound);
    }
  }

  /** Runs one drain now (tests and benchmarks use it to observe same-tick dispatch). */
  drain(): void {
    this.drainScheduled = false;
    while (this.ready.size > 0) {
      let progressed = false;
      for (const queue of [...this.ready]) {
        if (queue.removed || queue.backlog === 0 || !this.deps.canDispatch(queue)) {
          this.ready.delete(queue);
          continue;
        }
        if (!this.deps.dispatchNext(queue)) {
          this.ready.delete(queue);
          continue;
        }
        progressed = true;
        this.ready.delete(queue);
        if (queue.backlog > 0) this.ready.add(queue);
      }
      if (!progressed) break;
    }
  }
}
