/**
 * @module
 * Process and runtime metrics (CPU, memory, file descriptors, event-loop lag, GC) from
 * prom-client's default collectors, on the injected registry. `promtool check metrics` flags three
 * of them — gauges named `_total` (`nodejs_active_handles_total`, `nodejs_active_requests_total`,
 * `nodejs_active_resources_total`) — so they are dropped: each is the sum of the unsuffixed gauge
 * of the same name (`sum(nodejs_active_handles)`). Called by main.ts only, because the event-loop
 * monitor runs a timer.
 */
import { collectDefaultMetrics, type Registry } from "prom-client";

export const DROPPED_DEFAULT_METRICS = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
] as const;

export function registerProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of DROPPED_DEFAULT_METRICS) registry.removeSingleMetric(name);
}
