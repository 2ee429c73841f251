/**
 * @module
 * Schema version 2 (issue 21): the triggers' durable state — cron fire state and webhooks — and
 * the trigger that started an execution. Same conventions as version 1: epoch milliseconds
 * (bigint), structured fields as JSON text (`pending`, `filters`, `trigger_info`).
 */
export const SCHEMA_V2 = `
CREATE TABLE cron_schedules (
  function text NOT NULL,
  schedule_id text NOT NULL,
  last_scheduled_at bigint NOT NULL,
  last_run_at bigint,
  last_execution_id text,
  paused boolean NOT NULL,
  pending text NOT NULL,
  PRIMARY KEY (function, schedule_id)
);
CREATE TABLE webhooks (
  id text PRIMARY KEY,
  function text NOT NULL,
  format text NOT NULL,
  mode text NOT NULL,
  filters text NOT NULL,
  secret text NOT NULL,
  previous_secret text,
  previous_secret_expires_at bigint,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
ALTER TABLE executions ADD COLUMN trigger_info text;
`;
