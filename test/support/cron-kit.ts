/**
 * @module
 * Test kit for the cron scheduler: a manual clock over test/fakes/fake-timers.ts (with cancellable
 * timers) and a firer that behaves like the engine's `:enqueue` (one execution per idempotency key).
 */
import { FakeTimers } from "../fakes/fake-timers";
import type { ResolvedSchedule } from "../../src/domain/schedule-spec";
import type { CronFirer, CronScheduler } from "../../src/triggers/cron/cron-scheduler";
import type { ScheduleClock } from "../../src/triggers/cron/schedule-clock";

export interface Fire {
  fn: string;
  schedule: string;
  scheduledAt: string;
  executionId: string;
}

export class RecordingFirer implements CronFirer {
  readonly fires: Fire[] = [];
  readonly running = new Set<string>();
  private readonly byKey = new Map<string, string>();
  private next = 1;
  /** When true, every execution ends at once (no overlap ever). */
  finishAtOnce = false;

  async fire(fn: string, schedule: ResolvedSchedule, scheduledAt: number, key?: string): Promise<string> {
    const known = key === undefined ? undefined : this.byKey.get(key);
    if (known) return known;
    const executionId = `exec-${this.next++}`;
    if (key !== undefined) this.byKey.set(key, executionId);
    if (!this.finishAtOnce) this.running.add(executionId);
    this.fires.push({ fn, schedule: schedule.id, scheduledAt: new Date(scheduledAt).toISOString(), executionId });
    return executionId;
  }

  async isTerminal(executionId: string): Promise<boolean> {
    return !this.running.has(executionId);
  }

  finishAll(): void {
    this.running.clear();
  }

  times(): string[] {
    return this.fires.map((f) => f.scheduledAt);
  }
}

export class ManualClock implements ScheduleClock {
  readonly timers = new FakeTimers();
  private scheduler: CronScheduler | undefined;

  constructor(startIso: string) {
    this.timers.advance(Date.parse(startIso));
  }

  drive(scheduler: CronScheduler): void {
    this.scheduler = scheduler;
  }

  now = (): number => this.timers.now();
  setTimeout = (fire: () => void, delayMs: number): unknown => {
    const handle = { cancelled: false };
    this.timers.setTimeout(() => {
      if (!handle.cancelled) fire();
    }, delayMs);
    return handle;
  };
  clearTimeout = (handle: unknown): void => {
    (handle as { cancelled: boolean }).cancelled = true;
  };

  /** Moves to `iso`, firing each timer due on the way and letting the scheduler finish each tick. */
  async advanceTo(iso: string): Promise<void> {
    const end = Date.parse(iso);
    for (;;) {
      await this.scheduler?.idle();
      const due = this.timers.armed.map((t) => t.at).filter((at) => at <= end);
      if (due.length === 0) break;
      this.timers.advance(Math.max(0, Math.min(...due) - this.now()));
    }
    this.timers.advance(end - this.now());
    await this.scheduler?.idle();
  }
}
