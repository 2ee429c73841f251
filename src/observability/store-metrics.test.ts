import { expect, test } from "bun:test";
import { Registry } from "prom-client";
import { registerStoreMetrics } from "./store-metrics";

test("store_poison_rows_total reads the store's count at each scrape", async () => {
  const registry = new Registry();
  let dropped = 0;
  registerStoreMetrics(registry, () => dropped);
  expect(await registry.metrics()).toContain("\nstore_poison_rows_total 0\n");
  dropped = 3;
  expect(await registry.metrics()).toContain("\nstore_poison_rows_total 3\n");
});
