/**
 * @module
 * Trigger state (cron fire state, webhooks) in the memory store: plain maps, copies in and out.
 */
import type { ScheduleStateRow, TriggerRows, WebhookRow } from "../trigger-rows";

export function createMemoryTriggerRows(): TriggerRows {
  const schedules = new Map<string, ScheduleStateRow>();
  const webhooks = new Map<string, WebhookRow>();
  const copy = <T extends object>(row: T): T => structuredClone(row);
  return {
    schedules: {
      loadAll: async () => [...schedules.values()].map(copy),
      put: async (row) => void schedules.set(`${row.function}\u0000${row.scheduleId}`, copy(row)),
      deleteFunction: async (fn) => {
        for (const [key, row] of schedules) if (row.function === fn) schedules.delete(key);
      },
    },
    webhooks: {
      loadAll: async () => [...webhooks.values()].map(copy),
      put: async (row) => void webhooks.set(row.id, copy(row)),
      delete: async (id) => webhooks.delete(id),
    },
  };
}
