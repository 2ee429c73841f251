/**
 * @module
 * A fixed-capacity FIFO ring buffer: the storage behind every per-function lane (SPEC §1.3).
 *
 * Why not a plain array with `push`/`shift`: `Array.prototype.shift` moves every remaining element,
 * so a queue at depth d pays O(d) per dequeue. Here `push` and `shift` are O(1) and allocate
 * nothing: the slot array is allocated once at construction with exactly `capacity` slots, and
 * indices wrap with a compare-and-subtract (no modulo, no power-of-two rounding, so `push` fails
 * exactly at the given capacity and no memory is wasted on a lane of 1 000 000).
 *
 * Pure: no I/O, no timers, no project knowledge. The API is what the lanes use, nothing more: a
 * method only tests would call is a method to keep correct for nobody.
 */
export class RingBuffer<T> {
  readonly #slots: (T | undefined)[];
  readonly #capacity: number;
  #head = 0;
  #size = 0;

  /** @throws RangeError unless `capacity` is an integer ≥ 1. */
  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`RingBuffer capacity must be an integer >= 1, got ${capacity}`);
    }
    this.#capacity = capacity;
    // `new Array(n).fill(undefined)` gives JSC a contiguous (not sparse) backing store of exactly n.
    this.#slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  get capacity(): number {
    return this.#capacity;
  }

  get size(): number {
    return this.#size;
  }

  get isEmpty(): boolean {
    return this.#size === 0;
  }

  get isFull(): boolean {
    return this.#size === this.#capacity;
  }

  /** Appends at the tail. Returns false, changing nothing, when the buffer is full. */
  push(item: T): boolean {
    const size = this.#size;
    if (size === this.#capacity) return false;
    this.#slots[this.#index(size)] = item;
    this.#size = size + 1;
    return true;
  }

  /** Removes and returns the head, or undefined when empty. The slot is cleared for the GC. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const head = this.#head;
    const item = this.#slots[head];
    this.#slots[head] = undefined;
    this.#head = head + 1 === this.#capacity ? 0 : head + 1;
    this.#size--;
    return item;
  }

  /**
   * Removes the first item that is `===` to `item`; returns whether one was found. O(n) search,
   * then in place it closes the gap from the nearer end (the head side moves forward one slot, or
   * the tail side moves back one), so removing the head or the tail moves nothing.
   */
  remove(item: T): boolean {
    const size = this.#size;
    for (let pos = 0; pos < size; pos++) {
      if (this.#slots[this.#index(pos)] !== item) continue;
      if (pos < size >>> 1) {
        for (let j = pos; j > 0; j--) this.#slots[this.#index(j)] = this.#slots[this.#index(j - 1)];
        this.#slots[this.#head] = undefined;
        this.#head = this.#index(1);
      } else {
        for (let j = pos + 1; j < size; j++) this.#slots[this.#index(j - 1)] = this.#slots[this.#index(j)];
        this.#slots[this.#index(size - 1)] = undefined;
      }
      this.#size = size - 1;
      return true;
    }
    return false;
  }

  /**
   * Removes the items present at the call, in FIFO order, handing each to `fn` after it has left
   * the buffer (so `fn` may push: what it pushes stays queued). Returns how many were drained.
   */
  drainTo(fn: (item: T) => void): number {
    const count = this.#size;
    for (let i = 0; i < count; i++) fn(this.shift() as T);
    return count;
  }

  /** Slot of the item at FIFO position `offset` (0 = head); requires 0 ≤ offset ≤ capacity. */
  #index(offset: number): number {
    const i = this.#head + offset;
    return i >= this.#capacity ? i - this.#capacity : i;
  }
}
