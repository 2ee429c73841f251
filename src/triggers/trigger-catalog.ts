/**
 * @module
 * Every trigger of every function in one list (issue 21): `GET /v1/triggers` and the `triggers` of
 * `GET /v1/functions/{name}`. Cron schedules and message-queue sources come from the function
 * specs, webhooks from their store; what each did last comes from TriggerActivity. Nothing here
 * carries a credential: webhook secrets are not in WebhookView, and a source is named by its
 * stream/durable or queue, never its URL.
 */
import { notFound } from "../domain/errors";
import type { EventSource } from "../domain/event-sources";
import type { ResolvedFunction } from "../domain/resolved-function";
import type { ScheduleView } from "./cron/cron-scheduler";
import type { ConsumerState, TriggerActivity, TriggerType } from "./trigger-activity";
import type { WebhookView } from "./webhooks/webhook-service";

export type TriggerState = "active" | "paused" | "disabled" | ConsumerState;

export interface TriggerView {
  type: TriggerType;
  id: string;
  function: string;
  state: TriggerState;
  /** What it listens to: the cron expression and zone, the webhook's format and mode, the stream or queue. */
  detail: string;
  lastFireAt: string | null;
  /** Cron only: the next fire time while active. */
  nextFireAt: string | null;
  lastError: { message: string; at: string } | null;
}

export interface TriggerFilter {
  function?: string;
  type?: TriggerType;
}

export interface TriggerCatalogDeps {
  functions: () => ResolvedFunction[];
  cron: { list(fn: string): ScheduleView[] };
  webhooks: { list(fn?: string): Promise<WebhookView[]> };
  activity: TriggerActivity;
}

const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

/** The id a message-queue source is known by (also the `source` label of its metrics). */
export function eventSourceId(source: EventSource): string {
  return source.type === "nats" ? `${source.stream}/${source.durable}` : source.queue;
}

export class TriggerCatalog {
  constructor(private readonly deps: TriggerCatalogDeps) {}

  /** Sorted by function, then type, then id. A `function` filter naming no function → 404. */
  async list(filter: TriggerFilter = {}): Promise<TriggerView[]> {
    const fns = this.deps.functions().filter((fn) => filter.function === undefined || fn.name === filter.function);
    if (filter.function !== undefined && fns.length === 0) throw notFound(`Function '${filter.function}'`);
    const items: TriggerView[] = [];
    for (const fn of fns) {
      for (const schedule of this.deps.cron.list(fn.name)) items.push(this.cron(fn.name, schedule));
      for (const source of fn.eventSources ?? []) items.push(this.eventSource(fn.name, source));
    }
    for (const hook of await this.deps.webhooks.list(filter.function)) items.push(this.webhook(hook));
    return items
      .filter((item) => filter.type === undefined || item.type === filter.type)
      .sort((a, b) => a.function.localeCompare(b.function) || a.type.localeCompare(b.type) || a.id.localeCompare(b.id));
  }

  private cron(fn: string, schedule: ScheduleView): TriggerView {
    let state: TriggerState = "active";
    if (schedule.paused) state = "paused";
    else if (!schedule.enabled) state = "disabled";
    return {
      ...this.base("cron", fn, schedule.id),
      state,
      detail: `${schedule.cron} (${schedule.timezone}), overlap ${schedule.overlap}`,
      // Durable (the store's lastRunAt), unlike the other triggers' last fire.
      lastFireAt: schedule.lastRunAt,
      nextFireAt: schedule.nextRuns[0] ?? null,
    };
  }

  private webhook(hook: WebhookView): TriggerView {
    return { ...this.base("webhook", hook.function, hook.id), state: "active", detail: `${hook.format}, ${hook.mode}` };
  }

  private eventSource(fn: string, source: EventSource): TriggerView {
    const id = eventSourceId(source);
    const base = this.base(source.type, fn, id);
    const detail =
      source.type === "nats" ? `stream ${source.stream}, subject ${source.subject}` : `queue ${source.queue}`;
    return { ...base, state: this.deps.activity.get(source.type, fn, id)?.state ?? "not-started", detail };
  }

  private base(type: TriggerType, fn: string, id: string): TriggerView {
    const record = this.deps.activity.get(type, fn, id);
    const error = record?.lastError;
    return {
      type,
      id,
      function: fn,
      state: "active",
      detail: "",
      lastFireAt: iso(record?.lastFireAt),
      nextFireAt: null,
      lastError: error ? { message: error.message, at: new Date(error.at).toISOString() } : null,
    };
  }
}
