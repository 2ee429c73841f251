/**
 * @module
 * The cron scheduler's firer over the invocation engine: a fire is an async execution (`:enqueue`)
 * of the schedule's input, carrying `trigger: {type: "cron", id, scheduledAt}`.
 */
import type { Payload } from "../../domain/payload";
import type { ResolvedSchedule } from "../../domain/schedule-spec";
import type { Invoker } from "../../execution/invoker";
import type { CronFirer } from "./cron-scheduler";

const TERMINAL = new Set(["success", "error", "timeout"]);

export function engineFirer(invoker: () => Pick<Invoker, "enqueue" | "findExecution">): CronFirer {
  return {
    fire: async (fn: string, schedule: ResolvedSchedule, scheduledAt: number, idempotencyKey?: string) => {
      const outcome = await invoker().enqueue(
        fn,
        { input: (schedule.input ?? null) as Payload },
        {
          idempotencyKey,
          trigger: { type: "cron", id: schedule.id, scheduledAt: new Date(scheduledAt).toISOString() },
        },
      );
      return outcome.executionId;
    },
    isTerminal: async (executionId) => {
      const view = await invoker().findExecution(executionId);
      return view === undefined || TERMINAL.has(view.status);
    },
  };
}
