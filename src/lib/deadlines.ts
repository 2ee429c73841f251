/**
 * @module
 * Cancellable deadlines that share timers (SPEC §1.4: timers drive only time-based work). Every
 * sync caller and every pod attempt carries a deadline that is almost always cancelled long
 * before it fires. A Bun timer per deadline costs a timer-heap insertion and removal per request,
 * and `AbortSignal.timeout` cannot be cancelled at all: each attempt left a timer in the heap for
 * its whole timeout (300 000 of them at 10 000 invokes/s and 30 s).
 *
 * Deadlines of the same length expire in the order they were set, so each length gets a FIFO (a
 * doubly linked list) and one timer armed for its oldest entry. Cancelling unlinks in O(1) and
 * never touches the timer; when the timer fires it expires every due entry and re-arms for the
 * next one. A list left empty keeps its timer (so a steady stream of short requests re-arms
 * nothing) but unreferenced, so an idle control plane is never kept alive by it; the list is
 * dropped when that timer fires. A deadline fires at or after its time, never before.
 *
 * A callback that throws is reported (`onError`) and never stops the list: the remaining due
 * entries still fire and the timer is re-armed, or every later deadline of that length would hang.
 */

export interface Deadline {
  /** Stops the deadline; a no-op once it has fired or been cancelled. */
  cancel(): void;
}

class Entry implements Deadline {
  prev: Entry | undefined = undefined;
  next: Entry | undefined = undefined;
  /** The list holding this entry; undefined once it fired or was cancelled. */
  list: DeadlineList | undefined;

  constructor(
    readonly at: number,
    readonly fire: () => void,
    list: DeadlineList,
  ) {
    this.list = list;
  }

  cancel(): void {
    this.list?.unlink(this);
  }
}

type Clock = () => number;

/** What a list needs of a timer: Bun's and Node's timers have both methods. */
export interface TimerHandle {
  ref(): unknown;
  unref(): unknown;
}

export interface Timers {
  setTimeout(fire: () => void, delayMs: number): TimerHandle;
}

export interface DeadlinesOptions {
  /** Milliseconds, monotonic; defaults to `performance.now`. */
  clock?: Clock;
  /** Defaults to the global timers; tests inject fake ones. */
  timers?: Timers;
  /** Told about a callback that threw; defaults to `console.error` (callers pass their logger). */
  onError?: (error: unknown) => void;
}

const GLOBAL_TIMERS: Timers = { setTimeout: (fire, delayMs) => setTimeout(fire, delayMs) };

class DeadlineList {
  private head: Entry | undefined;
  private tail: Entry | undefined;
  private size = 0;
  private timer: TimerHandle | undefined;
  private readonly onTimerBound = () => this.onTimer();

  constructor(
    private readonly owner: Deadlines,
    readonly delayMs: number,
    private readonly clock: Clock,
    private readonly timers: Timers,
  ) {}

  add(fire: () => void): Entry {
    const entry = new Entry(this.clock() + this.delayMs, fire, this);
    if (this.tail) {
      entry.prev = this.tail;
      this.tail.next = entry;
    } else this.head = entry;
    this.tail = entry;
    if (this.size++ === 0) {
      // An armed timer is at or before this entry's time (it was armed for an earlier entry).
      if (this.timer) this.timer.ref();
      else this.arm(entry.at);
    }
    return entry;
  }

  unlink(entry: Entry): void {
    if (entry.prev) entry.prev.next = entry.next;
    else this.head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else this.tail = entry.prev;
    entry.prev = entry.next = entry.list = undefined;
    if (--this.size === 0) this.timer?.unref();
  }

  private arm(at: number): void {
    // Timers have millisecond resolution and may run a fraction early: round up, at least 1 ms.
    this.timer = this.timers.setTimeout(this.onTimerBound, Math.max(1, Math.ceil(at - this.clock())));
  }

  private onTimer(): void {
    this.timer = undefined;
    const now = this.clock();
    try {
      for (let entry = this.head; entry && entry.at <= now; entry = this.head) {
        this.unlink(entry);
        this.owner.fire(entry);
      }
    } finally {
      // A callback may have set a deadline on this emptied list, which armed a timer for it (the
      // new head): arm only when none is armed, or two timers would chase one list.
      if (this.head) {
        if (!this.timer) this.arm(this.head.at);
      } else if (this.size === 0) this.owner.drop(this);
    }
  }
}

export class Deadlines {
  private readonly lists = new Map<number, DeadlineList>();
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly onError: (error: unknown) => void;

  constructor(options: DeadlinesOptions = {}) {
    this.clock = options.clock ?? (() => performance.now());
    this.timers = options.timers ?? GLOBAL_TIMERS;
    this.onError = options.onError ?? ((error) => console.error("deadline callback failed:", error));
  }

  /** Calls `fire` once, `delayMs` (≥ 0) from now, unless cancelled first. */
  add(delayMs: number, fire: () => void): Deadline {
    let list = this.lists.get(delayMs);
    if (!list) {
      list = new DeadlineList(this, delayMs, this.clock, this.timers);
      this.lists.set(delayMs, list);
    }
    return list.add(fire);
  }

  /** Lengths with a live list (tests). */
  get listCount(): number {
    return this.lists.size;
  }

  /** @internal Runs one due entry; a throwing callback is reported, never propagated to the list. */
  fire(entry: Entry): void {
    try {
      entry.fire();
    } catch (error) {
      try {
        this.onError(error);
      } catch {
        // A failing reporter must not stop the list either.
      }
    }
  }

  /** @internal Called by a list whose timer fired with nothing left in it. */
  drop(list: DeadlineList): void {
    if (this.lists.get(list.delayMs) === list) this.lists.delete(list.delayMs);
  }
}
