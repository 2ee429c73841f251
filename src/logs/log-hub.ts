/**
 * @module
 * The bounded per-function line buffer of the local backends (process, docker): replicas `record`
 * their output lines, the logs route reads and follows them. Each function keeps at most
 * `capacity` lines (NANOFAAS_LOGS_BUFFER_LINES); the oldest go first. Lines are held in memory
 * only: a restart of the control plane forgets them, as `docker logs` of a removed container does.
 */
import { type LogLine, type LogStream, readTags } from "./log-line";
import { type FunctionLogSource, type LogQuery, lastOf, matches } from "./log-source";

/** A fixed-size ring of lines; `push` overwrites the oldest once full. */
class LineRing {
  private readonly slots: LogLine[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  push(line: LogLine): void {
    if (this.slots.length < this.capacity) this.slots.push(line);
    else this.slots[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first. */
  toArray(): LogLine[] {
    if (this.slots.length < this.capacity) return this.slots.slice();
    return this.slots.slice(this.next).concat(this.slots.slice(0, this.next));
  }
}

type Listener = (line: LogLine) => void;

export class LogHub implements FunctionLogSource {
  private readonly rings = new Map<string, LineRing>();
  private readonly listeners = new Map<string, Set<Listener>>();

  /** @param capacity lines kept per function (≥ 1). */
  constructor(private readonly capacity: number) {}

  /** Takes one line a replica printed; the execution tags are read from it (log-line.ts). */
  record(fn: string, replica: string, stream: LogStream, text: string): void {
    const line: LogLine = { time: new Date().toISOString(), function: fn, replica, stream, ...readTags(text) };
    let ring = this.rings.get(fn);
    if (!ring) {
      ring = new LineRing(this.capacity);
      this.rings.set(fn, ring);
    }
    ring.push(line);
    for (const listener of this.listeners.get(fn) ?? []) listener(line);
  }

  /** Drops a deleted function's lines (its followers keep their stream until they leave). */
  forget(fn: string): void {
    this.rings.delete(fn);
  }

  read(fn: string, query: LogQuery): Promise<LogLine[]> {
    const held = this.rings.get(fn)?.toArray() ?? [];
    return Promise.resolve(
      lastOf(
        held.filter((line) => matches(line, query)),
        query.tail,
      ),
    );
  }

  follow(fn: string, query: LogQuery, onLine: Listener, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    const listener: Listener = (line) => {
      if (matches(line, query)) onLine(line);
    };
    let set = this.listeners.get(fn);
    if (!set) {
      set = new Set();
      this.listeners.set(fn, set);
    }
    set.add(listener);
    return new Promise((resolve) => {
      signal.addEventListener(
        "abort",
        () => {
          set.delete(listener);
          if (set.size === 0 && this.listeners.get(fn) === set) this.listeners.delete(fn);
          resolve();
        },
        { once: true },
      );
    });
  }
}
