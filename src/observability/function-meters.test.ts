import { describe, expect, test } from "bun:test";
import { Registry } from "prom-client";
import { FunctionSpec } from "../domain/function-spec";
import { resolveFunction } from "../domain/resolved-function";
import { createMetrics } from "./metrics";

const defaults = { timeoutMs: 30_000, concurrency: 4, queueSize: 100, maxRetries: 3 };
const fn = (spec: Record<string, unknown>) => resolveFunction(FunctionSpec.parse(spec), defaults);

async function setup() {
  const registry = new Registry();
  const metrics = createMetrics({ registry, queues: () => new Map(), version: "t" });
  const lines = async (name: string) =>
    (await registry.getSingleMetricAsString(name)).split("\n").filter((l) => l !== "" && !l.startsWith("#"));
  return { metrics, lines };
}

describe("autoscaler gauges", () => {
  test("an INTERNAL DEPLOYMENT function starts in its configured mode; the controller's ticks update it", async () => {
    const { metrics, lines } = await setup();
    metrics.functions.onRegistered(fn({ name: "d", image: "i", scalingConfig: { metrics: [{ type: "rps", target: "50" }, { type: "in_flight", target: "2.5" }] } }));
    expect(await lines("function_concurrency_controller_mode")).toEqual([
      'function_concurrency_controller_mode{function="d",mode="FIXED"} 1',
      'function_concurrency_controller_mode{function="d",mode="STATIC_PER_POD"} 0',
      'function_concurrency_controller_mode{function="d",mode="ADAPTIVE_PER_POD"} 0',
    ]);
    expect(await lines("function_target_inflight_per_pod")).toEqual(['function_target_inflight_per_pod{function="d"} 0']);
    expect(await lines("gateway_service_target_load")).toEqual([
      'gateway_service_target_load{function="d",scaling_type="rps"} 50',
      'gateway_service_target_load{function="d",scaling_type="capacity"} 0',
    ]);

    metrics.functions.setConcurrencyControl("d", "ADAPTIVE_PER_POD", 3);
    metrics.functions.setConcurrencyControl("d", "BOGUS", 9); // ignored
    metrics.functions.setConcurrencyControl("unknown", "FIXED", 0); // ignored
    expect(await lines("function_concurrency_controller_mode")).toContain('function_concurrency_controller_mode{function="d",mode="ADAPTIVE_PER_POD"} 1');
    expect(await lines("function_target_inflight_per_pod")).toEqual(['function_target_inflight_per_pod{function="d"} 3']);
  });

  test("functions outside the internal autoscaler have no controller gauges", async () => {
    const { metrics, lines } = await setup();
    metrics.functions.onRegistered(fn({ name: "l", executionMode: "LOCAL" }));
    metrics.functions.onRegistered(fn({ name: "h", image: "i", scalingConfig: { strategy: "HPA" } }));
    expect(await lines("function_concurrency_controller_mode")).toEqual([]);
    expect(await lines("function_target_inflight_per_pod")).toEqual([]);
  });
});
