/**
 * @module
 * The triggers' durable state on PostgreSQL (issue 21): cron fire state and webhooks (schema v2).
 * Each write is one committed statement — fires and webhook changes are rare, so no batching —
 * and resolves only once durable, as the cron scheduler's no-duplicate rule needs.
 */
import type { ScheduleStateRow, TriggerRows, WebhookRow } from "../trigger-rows";
import { type Database, fromJsonText, toJsonText } from "./database";

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));

// biome-ignore lint/suspicious/noExplicitAny: a database row, shaped by the schema
const scheduleFromDb = (r: any): ScheduleStateRow => ({
  function: r.function,
  scheduleId: r.schedule_id,
  lastScheduledAt: Number(r.last_scheduled_at),
  lastRunAt: num(r.last_run_at),
  lastExecutionId: r.last_execution_id,
  paused: r.paused,
  pending: fromJsonText(r.pending) as number[],
});

// biome-ignore lint/suspicious/noExplicitAny: a database row, shaped by the schema
const webhookFromDb = (r: any): WebhookRow => ({
  id: r.id,
  function: r.function,
  format: r.format,
  mode: r.mode,
  filters: fromJsonText(r.filters) as WebhookRow["filters"],
  secret: r.secret,
  previousSecret: r.previous_secret,
  previousSecretExpiresAt: num(r.previous_secret_expires_at),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export function postgresTriggers(db: Database): TriggerRows {
  return {
    schedules: {
      loadAll: async () => (await db.query((sql) => sql`SELECT * FROM cron_schedules`)).map(scheduleFromDb),
      put: async (r) => {
        const values = {
          function: r.function,
          schedule_id: r.scheduleId,
          last_scheduled_at: r.lastScheduledAt,
          last_run_at: r.lastRunAt,
          last_execution_id: r.lastExecutionId,
          paused: r.paused,
          pending: toJsonText(r.pending),
        };
        await db.query(
          (sql) => sql`INSERT INTO cron_schedules ${sql(values)} ON CONFLICT (function, schedule_id) DO UPDATE SET
            last_scheduled_at = EXCLUDED.last_scheduled_at, last_run_at = EXCLUDED.last_run_at,
            last_execution_id = EXCLUDED.last_execution_id, paused = EXCLUDED.paused, pending = EXCLUDED.pending`,
        );
      },
      deleteFunction: async (fn) => {
        await db.query((sql) => sql`DELETE FROM cron_schedules WHERE function = ${fn}`);
      },
    },
    webhooks: {
      loadAll: async () => (await db.query((sql) => sql`SELECT * FROM webhooks ORDER BY id`)).map(webhookFromDb),
      put: async (r) => {
        const values = {
          id: r.id,
          function: r.function,
          format: r.format,
          mode: r.mode,
          filters: toJsonText(r.filters),
          secret: r.secret,
          previous_secret: r.previousSecret,
          previous_secret_expires_at: r.previousSecretExpiresAt,
          created_at: r.createdAt,
          updated_at: r.updatedAt,
        };
        await db.query(
          (sql) => sql`INSERT INTO webhooks ${sql(values)} ON CONFLICT (id) DO UPDATE SET
            function = EXCLUDED.function, format = EXCLUDED.format, mode = EXCLUDED.mode, filters = EXCLUDED.filters,
            secret = EXCLUDED.secret, previous_secret = EXCLUDED.previous_secret,
            previous_secret_expires_at = EXCLUDED.previous_secret_expires_at, updated_at = EXCLUDED.updated_at`,
        );
      },
      delete: (id) => db.query(async (sql) => (await sql`DELETE FROM webhooks WHERE id = ${id}`).count > 0),
    },
  };
}
