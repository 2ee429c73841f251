import { describe, expect, test } from "bun:test";
import { Registry } from "prom-client";
import { FunctionSpec } from "../domain/function-spec";
import { resolveFunction } from "../domain/resolved-function";
import { createMetrics } from "./metrics";

const defaults = { timeoutMs: 30_000, concurrency: 4, queueSize: 100, maxRetries: 3 };
const fn = (spec: Record<string, unknown>) => resolveFunction(FunctionSpec.parse(spec), defaults);

async function setup(referenceQuantiles = false) {
  const registry = new Registry();
  const metrics = createMetrics({ registry, queues: () => new Map(), version: "t", referenceQuantiles, now: () => 0 });
  const lines = async (name: string) =>
    (await registry.getSingleMetricAsString(name)).split("\n").filter((l) => l !== "" && !l.startsWith("#"));
  return { metrics, lines };
}

describe("autoscaler gauges", () => {
  test("an INTERNAL DEPLOYMENT function starts in its configured mode; the controller's ticks update it", async () => {
    const { metrics, lines } = await setup();
    metrics.functions.onRegistered(
      fn({
        name: "d",
        image: "i",
        scalingConfig: {
          metrics: [
            { type: "rps", target: "50" },
            { type: "in_flight", target: "2.5" },
          ],
        },
      }),
    );
    expect(await lines("function_concurrency_controller_mode")).toEqual([
      'function_concurrency_controller_mode{function="d",mode="FIXED"} 1',
      'function_concurrency_controller_mode{function="d",mode="STATIC_PER_POD"} 0',
      'function_concurrency_controller_mode{function="d",mode="ADAPTIVE_PER_POD"} 0',
    ]);
    expect(await lines("function_target_inflight_per_pod")).toEqual([
      'function_target_inflight_per_pod{function="d"} 0',
    ]);
    expect(await lines("gateway_service_target_load")).toEqual([
      'gateway_service_target_load{function="d",scaling_type="rps"} 50',
      'gateway_service_target_load{function="d",scaling_type="capacity"} 0',
    ]);

    metrics.functions.setConcurrencyControl("d", "ADAPTIVE_PER_POD", 3);
    metrics.functions.setConcurrencyControl("d", "BOGUS", 9); // ignored
    metrics.functions.setConcurrencyControl("unknown", "FIXED", 0); // ignored
    expect(await lines("function_concurrency_controller_mode")).toContain(
      'function_concurrency_controller_mode{function="d",mode="ADAPTIVE_PER_POD"} 1',
    );
    expect(await lines("function_target_inflight_per_pod")).toEqual([
      'function_target_inflight_per_pod{function="d"} 3',
    ]);
  });

  test("every function has both gauges from registration, as in the reference (issue 13.17)", async () => {
    const { metrics, lines } = await setup();
    metrics.functions.onRegistered(fn({ name: "l", executionMode: "LOCAL" }));
    metrics.functions.onRegistered(
      fn({
        name: "h",
        image: "i",
        scalingConfig: { strategy: "HPA", concurrencyControl: { mode: "STATIC_PER_POD", targetInFlightPerPod: 3 } },
      }),
    );
    expect(await lines("function_concurrency_controller_mode")).toEqual([
      'function_concurrency_controller_mode{function="l",mode="FIXED"} 1',
      'function_concurrency_controller_mode{function="l",mode="STATIC_PER_POD"} 0',
      'function_concurrency_controller_mode{function="l",mode="ADAPTIVE_PER_POD"} 0',
      'function_concurrency_controller_mode{function="h",mode="FIXED"} 0',
      'function_concurrency_controller_mode{function="h",mode="STATIC_PER_POD"} 1',
      'function_concurrency_controller_mode{function="h",mode="ADAPTIVE_PER_POD"} 0',
    ]);
    expect(await lines("function_target_inflight_per_pod")).toEqual([
      'function_target_inflight_per_pod{function="l"} 0',
      'function_target_inflight_per_pod{function="h"} 3',
    ]);
  });
});

describe("NANOFAAS_METRICS_REFERENCE_QUANTILES", () => {
  const HISTOGRAMS = [
    "function_latency_ms_seconds",
    "function_e2e_latency_ms_seconds",
    "function_queue_wait_ms_seconds",
    "function_init_duration_ms_seconds",
  ];

  test.each(HISTOGRAMS)("%s gets {quantile} series with the setting, and none without", async (name) => {
    for (const enabled of [true, false]) {
      const { metrics, lines } = await setup(enabled);
      metrics.functions.onRegistered(fn({ name: "f", executionMode: "LOCAL" }));
      const quantileLines = (await lines(name)).filter((l) => l.includes("quantile="));
      expect(quantileLines).toEqual(
        enabled ? ["0.5", "0.95", "0.99"].map((q) => `${name}{function="f",quantile="${q}"} 0`) : [],
      );
      // The histogram stays either way (our dashboard's histogram_quantile reads it).
      expect((await lines(name)).some((l) => l.startsWith(`${name}_bucket{function="f",le="+Inf"}`))).toBe(true);
    }
  });

  test("the quantiles follow the observations (values in seconds)", async () => {
    const { metrics, lines } = await setup(true);
    metrics.functions.onRegistered(fn({ name: "f", executionMode: "LOCAL" }));
    const latency = metrics.functions.byName.get("f")!.latency;
    for (let i = 0; i < 99; i++) latency.observe(0.02);
    latency.observe(20);
    const values = Object.fromEntries(
      (await lines("function_latency_ms_seconds"))
        .filter((l) => l.includes("quantile="))
        .map((l) => [l.match(/quantile="([^"]+)"/)![1], Number(l.split(" ")[1])]),
    );
    expect(values["0.5"]).toBeGreaterThan(0.01);
    expect(values["0.5"]).toBeLessThanOrEqual(0.025);
    expect(values["0.99"]).toBeLessThanOrEqual(0.025);
  });
});
