/**
 * @module
 * The state store's own meters, read at scrape time: rows the database refused for their content
 * and the store dropped (write-batcher.ts isolates such a poison row from its batch; each is
 * logged). A rate above zero means data is being lost: docs/persistence.md says what to look at.
 */
import { Counter, type Registry } from "prom-client";

/** `poisonRows` is the store's running count (StateStore.poisonRows; 0 for a store without one). */
export function registerStoreMetrics(registry: Registry, poisonRows: () => number): void {
  new Counter({
    name: "store_poison_rows_total",
    help: "Rows the state store dropped because the database refused their content (each is logged)",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(poisonRows());
    },
  });
}
