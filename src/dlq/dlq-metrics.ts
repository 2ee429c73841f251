/**
 * @module
 * The DLQ's metrics (issue 17): its size per function (read from the store at scrape time, so it
 * is right after a restart and across replicas sharing a database), entries added, replayed and
 * purged, and adds that could not be persisted.
 */
import { Counter, Gauge, type Registry } from "prom-client";

export interface DlqMetrics {
  added: Counter<"function">;
  replayed: Counter<"function">;
  purged: Counter<"function">;
  persistFailures: Counter;
}

/** `sizes` is the store's per-function count; a failed read keeps the last values (the scrape still works). */
export function createDlqMetrics(registry: Registry, sizes: () => Promise<Map<string, number>>): DlqMetrics {
  let last = new Map<string, number>();
  new Gauge({
    name: "dlq_entries",
    help: "Dead-lettered executions kept, per function",
    labelNames: ["function"],
    registers: [registry],
    async collect() {
      try {
        last = await sizes();
      } catch {
        // The store is unreachable: readiness reports it; the gauge shows the last size it read.
      }
      this.reset();
      for (const [fn, size] of last) this.set({ function: fn }, size);
    },
  });
  const counter = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ["function"], registers: [registry] });
  return {
    added: counter("dlq_added_total", "Executions added to the dead-letter queue"),
    replayed: counter("dlq_replayed_total", "Dead-letter entries replayed as new executions"),
    purged: counter("dlq_purged_total", "Dead-letter entries deleted (DELETE, purge or retention)"),
    persistFailures: new Counter({
      name: "dlq_persist_failures_total",
      help: "Dead-lettered executions the store could not persist (logged)",
      registers: [registry],
    }),
  };
}
