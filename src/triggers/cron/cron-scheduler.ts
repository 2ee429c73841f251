/**
 * @module
 * Fires functions' cron schedules as async executions (issue 21). One timer for all schedules,
 * set to the earliest next fire (capped, so a clock jump is noticed within `maxSleepMs`).
 *
 * Durability: each schedule's last handled fire time is in the state store. After a restart, the
 * fires since then that are at most `missedFireGraceMs` old are fired (late); older ones are
 * counted as missed and skipped. A fire is enqueued with the idempotency key
 * `cron:<schedule>:<scheduledAt>` BEFORE its fire time is persisted, so a crash between the two
 * re-fires the same time after the restart and gets the same execution back, not a second one.
 *
 * Only the leader fires (`isLeader`: the elected one when several control planes share a store,
 * issue 20); a follower keeps its timer but does nothing at a tick, and on becoming leader reloads
 * the fire state the previous leader stored before firing anything.
 */
import { notFound } from "../../domain/errors";
import type { ResolvedFunction } from "../../domain/resolved-function";
import type { OverlapPolicy, ResolvedSchedule } from "../../domain/schedule-spec";
import type { FunctionLifecycleListener } from "../../execution/function-lifecycle";
import type { Logger } from "../../observability/logger";
import type { ScheduleRows, ScheduleStateRow } from "../../store/trigger-rows";
import type { TriggerActivity } from "../trigger-activity";
import type { TriggerMetrics } from "../trigger-metrics";
import { FireTimes } from "./fire-times";
import type { ScheduleClock } from "./schedule-clock";

/** What a fire starts: an async execution of `fn` with the schedule's input. */
export interface CronFirer {
  fire(fn: string, schedule: ResolvedSchedule, scheduledAt: number, idempotencyKey?: string): Promise<string>;
  /** Whether the execution has ended (an execution nobody knows any more counts as ended). */
  isTerminal(executionId: string): Promise<boolean>;
}

export interface CronSchedulerDeps {
  rows: ScheduleRows;
  clock: ScheduleClock;
  firer: CronFirer;
  missedFireGraceMs: number;
  isLeader?: () => boolean;
  metrics?: TriggerMetrics;
  /** Where a fire that could not start an execution is remembered (GET /v1/triggers lastError). */
  activity?: TriggerActivity;
  logger?: Logger;
  /** Longest timer (ms); default 60 000. */
  maxSleepMs?: number;
}

/** Fires handled per schedule per tick at most (a long outage with a per-second cron). */
const MAX_CATCH_UP = 10;
/** Queued fires kept per schedule (overlap `queue`); more are skipped. */
const MAX_PENDING = 100;

interface Entry {
  fn: string;
  schedule: ResolvedSchedule;
  times: FireTimes;
  state: ScheduleStateRow;
  /** Whether `state` came from the store (or was written to it). */
  persisted: boolean;
}

export interface ScheduleView {
  id: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  paused: boolean;
  overlap: OverlapPolicy;
  nextRuns: string[];
  lastRunAt: string | null;
}

const keyOf = (fn: string, id: string) => `${fn}\u0000${id}`;

export class CronScheduler implements FunctionLifecycleListener {
  private readonly entries = new Map<string, Entry>();
  private stored = new Map<string, ScheduleStateRow>();
  private started = false;
  private stopped = false;
  private timer: unknown;
  private ticking: Promise<void> | undefined;
  private tickAgain = false;
  private readonly isLeader: () => boolean;
  /** Whether the previous tick ran as leader: a follower's copy of the fire state is stale. */
  private ledLastTick = false;
  /** Executions whose end lets a queued fire start (overlap `queue`); keeps executionFinished O(1). */
  private readonly awaited = new Set<string>();

  constructor(private readonly deps: CronSchedulerDeps) {
    this.isLeader = deps.isLeader ?? (() => true);
  }

  /** Loads the fire state and starts firing (after start-up recovery registered the functions). */
  async start(): Promise<void> {
    for (const row of await this.deps.rows.loadAll()) this.stored.set(keyOf(row.function, row.scheduleId), row);
    this.started = true;
    for (const entry of this.entries.values()) await this.adopt(entry);
    this.requestTick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
  }

  /** Resolves once no tick is running (tests wait on it after moving the clock). */
  async idle(): Promise<void> {
    while (this.ticking) await this.ticking;
  }

  // ── function lifecycle ────────────────────────────────────────────────────────────────────────

  onRegistered(fn: ResolvedFunction): void {
    const wanted = new Set((fn.schedules ?? []).map((s) => s.id));
    for (const [key, entry] of this.entries)
      if (entry.fn === fn.name && !wanted.has(entry.schedule.id)) this.entries.delete(key);
    for (const schedule of fn.schedules ?? []) {
      const key = keyOf(fn.name, schedule.id);
      const existing = this.entries.get(key);
      const state = existing?.state ?? this.stored.get(key) ?? this.freshState(fn.name, schedule.id);
      const entry: Entry = {
        fn: fn.name,
        schedule,
        times: new FireTimes(schedule),
        state,
        persisted: existing?.persisted ?? this.stored.has(key),
      };
      this.entries.set(key, entry);
      if (this.started) void this.adopt(entry);
    }
    if (this.started) this.requestTick();
  }

  onRemoved(fn: ResolvedFunction): void {
    for (const [key, entry] of this.entries) if (entry.fn === fn.name) this.entries.delete(key);
    for (const key of this.stored.keys()) if (key.startsWith(`${fn.name}\u0000`)) this.stored.delete(key);
    this.deps.rows
      .deleteFunction(fn.name)
      .catch((error) =>
        this.deps.logger?.warn({ err: error, function: fn.name }, "could not forget the function's cron state"),
      );
  }

  // ── API ───────────────────────────────────────────────────────────────────────────────────────

  list(fn: string): ScheduleView[] {
    return [...this.entries.values()].filter((e) => e.fn === fn).map((e) => this.view(e));
  }

  async pause(fn: string, id: string): Promise<ScheduleView> {
    const entry = this.entry(fn, id);
    entry.state.paused = true;
    await this.save(entry);
    this.requestTick();
    return this.view(entry);
  }

  /** Fires missed while paused are not caught up: the schedule continues from now. */
  async resume(fn: string, id: string): Promise<ScheduleView> {
    const entry = this.entry(fn, id);
    if (entry.state.paused) {
      entry.state.paused = false;
      entry.state.lastScheduledAt = Math.max(entry.state.lastScheduledAt, this.deps.clock.now());
      await this.save(entry);
    }
    this.requestTick();
    return this.view(entry);
  }

  /** Fires now, whatever the overlap policy, pause or leadership (an explicit call). */
  async trigger(fn: string, id: string): Promise<string> {
    const entry = this.entry(fn, id);
    const now = this.deps.clock.now();
    return this.startExecution(entry, now, undefined);
  }

  /** Told by the engine that an execution ended: a queued fire of its schedule may start. */
  executionFinished(executionId: string): void {
    if (this.awaited.delete(executionId)) this.requestTick();
  }

  // ── firing ────────────────────────────────────────────────────────────────────────────────────

  private requestTick(): void {
    if (!this.started || this.stopped) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = this.tick().finally(() => {
      this.ticking = undefined;
      if (this.tickAgain) {
        this.tickAgain = false;
        this.requestTick();
      }
    });
  }

  private async tick(): Promise<void> {
    // Just became leader: the previous leader fired and stored meanwhile; going on from this
    // replica's own copy would fire those times again (issue 20).
    const leads = this.leader() && (this.ledLastTick || (await this.reloadState()));
    this.ledLastTick = leads;
    if (leads) {
      const now = this.deps.clock.now();
      for (const entry of [...this.entries.values()]) {
        if (!this.entries.has(keyOf(entry.fn, entry.schedule.id))) continue; // removed meanwhile
        try {
          await this.fireDue(entry, now);
        } catch (error) {
          this.deps.logger?.error({ err: error, function: entry.fn, schedule: entry.schedule.id }, "cron tick failed");
        }
      }
    }
    this.arm();
  }

  /**
   * Replaces every schedule's fire state with the stored one (what the last leader wrote). False
   * when the store cannot be read: firing from a stale state would repeat fires, so this tick waits.
   */
  private async reloadState(): Promise<boolean> {
    try {
      for (const row of await this.deps.rows.loadAll()) {
        const key = keyOf(row.function, row.scheduleId);
        this.stored.set(key, row);
        const entry = this.entries.get(key);
        if (entry) {
          entry.state = row;
          entry.persisted = true;
        }
      }
      return true;
    } catch (error) {
      this.deps.logger?.warn({ err: error }, "cron: could not read the stored fire state; not firing until it can");
      return false;
    }
  }

  private leader(): boolean {
    try {
      return this.isLeader();
    } catch {
      return false;
    }
  }

  private async fireDue(entry: Entry, now: number): Promise<void> {
    if (!entry.schedule.enabled || entry.state.paused) return;
    await this.startPending(entry);
    const { lastScheduledAt } = entry.state;
    const oldestKept = now - this.deps.missedFireGraceMs;
    const missed = entry.times.between(lastScheduledAt, oldestKept - 1, 1);
    if (missed.length > 0) {
      this.deps.metrics?.cron(entry.fn, entry.schedule.id, "missed");
      this.deps.logger?.warn(
        { function: entry.fn, schedule: entry.schedule.id, since: new Date(lastScheduledAt).toISOString() },
        "cron fires older than NANOFAAS_CRON_MISSED_FIRE_GRACE were missed (the control plane was down or not the leader); skipped",
      );
    }
    const from = Math.max(lastScheduledAt, oldestKept - 1);
    for (const scheduledAt of entry.times.between(from, now, MAX_CATCH_UP)) await this.fireOne(entry, scheduledAt);
    // Past the catch-up limit the rest is skipped: the schedule goes on from now.
    if (entry.state.lastScheduledAt < now && (entry.times.next(entry.state.lastScheduledAt) ?? Infinity) <= now) {
      entry.state.lastScheduledAt = now;
      await this.save(entry);
    }
  }

  private async fireOne(entry: Entry, scheduledAt: number): Promise<void> {
    const busy = await this.previousRunning(entry);
    if (busy && entry.schedule.overlap === "skip") {
      this.deps.metrics?.cron(entry.fn, entry.schedule.id, "skipped");
    } else if (busy) {
      if (entry.state.pending.length < MAX_PENDING) {
        entry.state.pending.push(scheduledAt);
        if (entry.state.lastExecutionId) this.awaited.add(entry.state.lastExecutionId);
      } else this.deps.metrics?.cron(entry.fn, entry.schedule.id, "skipped");
    } else {
      await this.startExecution(entry, scheduledAt, `cron:${entry.schedule.id}:${scheduledAt}`).catch(() => undefined);
    }
    entry.state.lastScheduledAt = scheduledAt;
    await this.save(entry);
  }

  /** Overlap `queue`: starts the oldest queued fire once the previous execution has ended. */
  private async startPending(entry: Entry): Promise<void> {
    while (entry.state.pending.length > 0 && !(await this.previousRunning(entry))) {
      const scheduledAt = entry.state.pending.shift() as number;
      await this.startExecution(entry, scheduledAt, `cron:${entry.schedule.id}:${scheduledAt}`).catch(() => undefined);
      await this.save(entry);
    }
    const last = entry.state.lastExecutionId;
    if (entry.state.pending.length > 0 && last) this.awaited.add(last);
  }

  private async previousRunning(entry: Entry): Promise<boolean> {
    const last = entry.state.lastExecutionId;
    return last !== null && !(await this.deps.firer.isTerminal(last));
  }

  /** Enqueues one execution and records it on the schedule; rethrows (after counting) a refusal. */
  private async startExecution(entry: Entry, scheduledAt: number, idempotencyKey: string | undefined): Promise<string> {
    let executionId: string;
    try {
      executionId = await this.deps.firer.fire(entry.fn, entry.schedule, scheduledAt, idempotencyKey);
    } catch (error) {
      this.deps.metrics?.cron(entry.fn, entry.schedule.id, "failed");
      this.deps.activity?.failed("cron", entry.fn, entry.schedule.id, error);
      this.deps.logger?.warn(
        { err: error, function: entry.fn, schedule: entry.schedule.id },
        "cron fire could not start an execution",
      );
      throw error;
    }
    entry.state.lastExecutionId = executionId;
    entry.state.lastRunAt = this.deps.clock.now();
    this.deps.metrics?.cron(entry.fn, entry.schedule.id, "fired");
    await this.save(entry);
    return executionId;
  }

  private arm(): void {
    if (this.stopped) return;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    const now = this.deps.clock.now();
    let wakeAt = now + (this.deps.maxSleepMs ?? 60_000);
    for (const entry of this.entries.values()) {
      if (!entry.schedule.enabled || entry.state.paused) continue;
      // From now: a leader's tick handled every fire up to now; a follower's must not spin on one.
      const next = entry.times.next(Math.max(entry.state.lastScheduledAt, now));
      if (next !== null && next < wakeAt) wakeAt = next;
    }
    this.timer = this.deps.clock.setTimeout(
      () => {
        this.timer = undefined;
        this.requestTick();
      },
      Math.max(0, wakeAt - now),
    );
  }

  // ── state ─────────────────────────────────────────────────────────────────────────────────────

  private freshState(fn: string, scheduleId: string): ScheduleStateRow {
    return {
      function: fn,
      scheduleId,
      lastScheduledAt: this.deps.clock.now(),
      lastRunAt: null,
      lastExecutionId: null,
      paused: false,
      pending: [],
    };
  }

  /** After start: take the stored state when there is one, else persist the fresh one (its baseline). */
  private async adopt(entry: Entry): Promise<void> {
    const stored = this.stored.get(keyOf(entry.fn, entry.schedule.id));
    if (stored && !entry.persisted) entry.state = stored;
    if (!stored && !entry.persisted) await this.save(entry);
  }

  private async save(entry: Entry): Promise<void> {
    const row = { ...entry.state, pending: [...entry.state.pending] };
    await this.deps.rows.put(row);
    entry.persisted = true;
    this.stored.set(keyOf(entry.fn, entry.schedule.id), row);
  }

  private entry(fn: string, id: string): Entry {
    const entry = this.entries.get(keyOf(fn, id));
    if (!entry) throw notFound(`Schedule '${id}' of function '${fn}'`);
    return entry;
  }

  private view(entry: Entry): ScheduleView {
    const active = entry.schedule.enabled && !entry.state.paused;
    const now = this.deps.clock.now();
    return {
      id: entry.schedule.id,
      cron: entry.schedule.cron,
      timezone: entry.schedule.timezone,
      enabled: active,
      paused: entry.state.paused,
      overlap: entry.schedule.overlap,
      nextRuns: active ? entry.times.upcoming(now, 5).map((t) => new Date(t).toISOString()) : [],
      lastRunAt: entry.state.lastRunAt === null ? null : new Date(entry.state.lastRunAt).toISOString(),
    };
  }
}
