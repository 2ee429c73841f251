/**
 * @module
 * The triggers' durable state (issue 21), an additive sub-store of StateStore: per cron schedule,
 * when it last fired (so a restart neither misses nor repeats a fire), and the webhooks with their
 * secrets. The secrets are stored as given: HMAC verification needs the secret itself, so a hash
 * would not do; the API never returns them after creation and nothing logs them.
 */

/** Fire state of one schedule of one function. */
export interface ScheduleStateRow {
  function: string;
  scheduleId: string;
  /** The last scheduled time handled (fired, skipped or queued), epoch ms; fires after it are due. */
  lastScheduledAt: number;
  /** When the last execution was started (a fire or a manual trigger), epoch ms. */
  lastRunAt: number | null;
  lastExecutionId: string | null;
  paused: boolean;
  /** Scheduled times waiting for the previous execution to finish (overlap `queue`). */
  pending: number[];
}

export interface ScheduleRows {
  loadAll(): Promise<ScheduleStateRow[]>;
  put(row: ScheduleStateRow): Promise<void>;
  /** Forgets every schedule of a function (it was deleted). */
  deleteFunction(fn: string): Promise<void>;
}

export type WebhookFormat = "github" | "nanofaas";

/** A filter: a header or a JSON field of the body must equal one of `values`. */
export interface WebhookFilter {
  /** `header:<name>` or `body:<dot.path>`. */
  field: string;
  values: string[];
}

export interface WebhookRow {
  id: string;
  function: string;
  format: WebhookFormat;
  mode: "async" | "sync";
  filters: WebhookFilter[];
  secret: string;
  /** The secret before the last rotation, accepted until `previousSecretExpiresAt`. */
  previousSecret: string | null;
  previousSecretExpiresAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface WebhookRows {
  loadAll(): Promise<WebhookRow[]>;
  put(row: WebhookRow): Promise<void>;
  /** False when there was none. */
  delete(id: string): Promise<boolean>;
}

export interface TriggerRows {
  schedules: ScheduleRows;
  webhooks: WebhookRows;
}
