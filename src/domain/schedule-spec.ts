/**
 * @module
 * Cron schedules in a function spec (issue 21, SPEC-platform §5): `schedules: [{id, cron, timezone?,
 * input?, enabled?, overlap?}]`, or the reference's single `schedule: "<cron>"` (id `default`).
 * Expressions are parsed by croner (5 fields, or 6 with seconds first); a time zone is an IANA name.
 * A bad expression or zone fails validation naming the field (`schedules.0.cron`).
 */
import { Cron } from "croner";
import { z } from "zod";

export const SCHEDULE_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/;
export const DEFAULT_SCHEDULE_ID = "default";

/** Why `cron` is not a usable expression, or undefined when it is. */
export function cronProblem(cron: string): string | undefined {
  try {
    const parsed = new Cron(cron, { paused: true });
    if (parsed.nextRun() === null) return "never fires";
    return undefined;
  } catch (error) {
    return `is not a valid cron expression (${(error as Error).message.replace(/^CronPattern: /, "")})`;
  }
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const CronExpression = z
  .string()
  .superRefine((value, ctx) => {
    const problem = cronProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .meta({ description: "5 fields (minute first) or 6 (seconds first), croner syntax", example: "0 9 * * 1-5" });

const TimeZone = z
  .string()
  .refine(isTimeZone, "is not a known IANA time zone")
  .meta({ description: "IANA time zone the expression is read in; default UTC", example: "Europe/Berlin" });

export const ScheduleSpec = z
  .object({
    id: z
      .string()
      .regex(SCHEDULE_ID_PATTERN, "must be 1–63 letters, digits, '.', '_' or '-', starting with a letter or digit"),
    cron: CronExpression,
    timezone: TimeZone.nullish(),
    input: z.unknown().optional().meta({ description: "The input of each fired execution (default null)" }),
    enabled: z.boolean().nullish().meta({ description: "Default true" }),
    overlap: z.enum(["skip", "queue"]).nullish().meta({
      description:
        "What a fire does while this schedule's previous execution is not terminal: skip it (default) or run it after",
    }),
  })
  .meta({ id: "ScheduleSpec" });
export type ScheduleSpec = z.infer<typeof ScheduleSpec>;

export type OverlapPolicy = "skip" | "queue";

/** A schedule with its defaults applied. */
export interface ResolvedSchedule {
  id: string;
  cron: string;
  timezone: string;
  input: unknown;
  enabled: boolean;
  overlap: OverlapPolicy;
}

/** The fields a FunctionSpec carries for cron triggers. */
export const scheduleFields = {
  schedules: z.array(ScheduleSpec).max(100).nullish().meta({ description: "Cron triggers (issue 21)" }),
  schedule: CronExpression.nullish().meta({
    description: "Reference style: one cron expression in UTC, the same as schedules [{id: 'default', cron}]",
  }),
};

/** Issues for duplicate ids (including `schedule` colliding with a `default` entry). */
export function scheduleIdIssues(spec: {
  schedules?: ScheduleSpec[] | null;
  schedule?: string | null;
}): { path: (string | number)[]; message: string }[] {
  const seen = new Set<string>(spec.schedule ? [DEFAULT_SCHEDULE_ID] : []);
  const issues: { path: (string | number)[]; message: string }[] = [];
  (spec.schedules ?? []).forEach((entry, index) => {
    if (seen.has(entry.id)) {
      issues.push({ path: ["schedules", index, "id"], message: `duplicates schedule id '${entry.id}'` });
    }
    seen.add(entry.id);
  });
  return issues;
}

/** The spec's schedules with defaults applied (`schedule` first, as id `default`). */
export function resolveSchedules(spec: {
  schedules?: ScheduleSpec[] | null;
  schedule?: string | null;
}): ResolvedSchedule[] {
  const out: ResolvedSchedule[] = [];
  if (spec.schedule) {
    out.push({
      id: DEFAULT_SCHEDULE_ID,
      cron: spec.schedule,
      timezone: "UTC",
      input: null,
      enabled: true,
      overlap: "skip",
    });
  }
  for (const s of spec.schedules ?? []) {
    out.push({
      id: s.id,
      cron: s.cron,
      timezone: s.timezone ?? "UTC",
      input: s.input ?? null,
      enabled: s.enabled ?? true,
      overlap: s.overlap ?? "skip",
    });
  }
  return out;
}
