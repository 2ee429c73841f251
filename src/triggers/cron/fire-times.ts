/**
 * @module
 * When a schedule fires, computed by croner in the schedule's time zone. croner resolves DST: a
 * wall-clock time skipped by a spring-forward fires at the first instant after the gap (02:30 in
 * Europe/Berlin on the last Sunday of March fires at 03:00 CEST), and a time repeated by a
 * fall-back fires once, at its first occurrence.
 */
import { Cron } from "croner";
import type { ResolvedSchedule } from "../../domain/schedule-spec";

export class FireTimes {
  private readonly cron: Cron;

  constructor(schedule: Pick<ResolvedSchedule, "cron" | "timezone">) {
    this.cron = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true });
  }

  /** The first fire strictly after `after` (epoch ms), or null when it never fires again. */
  next(after: number): number | null {
    return this.cron.nextRun(new Date(after))?.getTime() ?? null;
  }

  /** The fires in (after, until], at most `max` of them, oldest first. */
  between(after: number, until: number, max: number): number[] {
    const out: number[] = [];
    let at = this.next(after);
    while (at !== null && at <= until && out.length < max) {
      out.push(at);
      at = this.next(at);
    }
    return out;
  }

  /** The next `count` fires after `after`. */
  upcoming(after: number, count: number): number[] {
    return this.between(after, Number.MAX_SAFE_INTEGER, count);
  }
}
