/**
 * @module
 * Trigger state (cron fire state, webhooks) in the SQLite store; tables of the `triggers` area.
 * Each write is one small committed statement (fires are rare; no batching needed).
 */
import type { Database } from "bun:sqlite";
import type { ScheduleStateRow, TriggerRows, WebhookRow } from "../trigger-rows";
import type { GuardedWrite } from "./core-rows";

interface ScheduleColumns {
  function: string;
  schedule_id: string;
  last_scheduled_at: number;
  last_run_at: number | null;
  last_execution_id: string | null;
  paused: number;
  pending: string;
}

interface WebhookColumns {
  id: string;
  function: string;
  format: string;
  mode: string;
  filters: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  created_at: number;
  updated_at: number;
}

const scheduleOf = (c: ScheduleColumns): ScheduleStateRow => ({
  function: c.function,
  scheduleId: c.schedule_id,
  lastScheduledAt: c.last_scheduled_at,
  lastRunAt: c.last_run_at,
  lastExecutionId: c.last_execution_id,
  paused: c.paused === 1,
  pending: JSON.parse(c.pending),
});

const webhookOf = (c: WebhookColumns): WebhookRow => ({
  id: c.id,
  function: c.function,
  format: c.format as WebhookRow["format"],
  mode: c.mode as WebhookRow["mode"],
  filters: JSON.parse(c.filters),
  secret: c.secret,
  previousSecret: c.previous_secret,
  previousSecretExpiresAt: c.previous_secret_expires_at,
  createdAt: c.created_at,
  updatedAt: c.updated_at,
});

export function createSqliteTriggerRows(db: Database, write: GuardedWrite): TriggerRows {
  const putSchedule = db.query(
    `INSERT OR REPLACE INTO cron_schedules (function, schedule_id, last_scheduled_at, last_run_at, last_execution_id, paused, pending)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const putWebhook = db.query(
    `INSERT OR REPLACE INTO webhooks (id, function, format, mode, filters, secret, previous_secret, previous_secret_expires_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return {
    schedules: {
      loadAll: async () => db.query<ScheduleColumns, []>("SELECT * FROM cron_schedules").all().map(scheduleOf),
      put: (r) =>
        write(() => {
          putSchedule.run(
            r.function,
            r.scheduleId,
            r.lastScheduledAt,
            r.lastRunAt,
            r.lastExecutionId,
            r.paused ? 1 : 0,
            JSON.stringify(r.pending),
          );
        }),
      deleteFunction: (fn) => write(() => void db.run("DELETE FROM cron_schedules WHERE function = ?", [fn])),
    },
    webhooks: {
      loadAll: async () => db.query<WebhookColumns, []>("SELECT * FROM webhooks ORDER BY id").all().map(webhookOf),
      put: (r) =>
        write(() => {
          putWebhook.run(
            r.id,
            r.function,
            r.format,
            r.mode,
            JSON.stringify(r.filters),
            r.secret,
            r.previousSecret,
            r.previousSecretExpiresAt,
            r.createdAt,
            r.updatedAt,
          );
        }),
      delete: (id) => write(() => db.run("DELETE FROM webhooks WHERE id = ?", [id]).changes > 0),
    },
  };
}
