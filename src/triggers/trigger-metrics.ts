/**
 * @module
 * Per-trigger counters (issue 21): `nanofaas_trigger_events_total{type, function, trigger, outcome}`.
 * cron outcomes: fired, failed (the execution could not be started), skipped (overlap `skip`, or
 * the queue of a `queue` schedule full), missed (older than the grace after a restart). webhook
 * outcomes: delivered, failed (could not be started), rejected (bad signature), filtered.
 */
import { Counter, type Registry } from "prom-client";

export interface TriggerMetrics {
  cron(fn: string, schedule: string, outcome: "fired" | "failed" | "skipped" | "missed"): void;
  webhook(fn: string, webhook: string, outcome: "delivered" | "failed" | "rejected" | "filtered"): void;
}

export function createTriggerMetrics(registry: Registry): TriggerMetrics {
  const events = new Counter({
    name: "nanofaas_trigger_events_total",
    help: "Trigger events by trigger type, function, trigger id and outcome",
    labelNames: ["type", "function", "trigger", "outcome"] as const,
    registers: [registry],
  });
  return {
    cron: (fn, schedule, outcome) => events.inc({ type: "cron", function: fn, trigger: schedule, outcome }),
    webhook: (fn, webhook, outcome) => events.inc({ type: "webhook", function: fn, trigger: webhook, outcome }),
  };
}
