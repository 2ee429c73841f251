import { describe, expect, test } from "bun:test";
import { Registry } from "prom-client";
import { Buckets, pushHistogram, registerFamily, type Sample } from "./metric-family";

describe("Buckets", () => {
  test("counts per bucket (upper bound inclusive), sum and count; exposed cumulatively with +Inf", () => {
    const b = new Buckets([0.1, 1]);
    for (const v of [0.05, 0.1, 0.5, 7]) b.observe(v);
    const out: Sample[] = [];
    pushHistogram(out, "h_seconds", { function: "f" }, b);
    expect(out).toEqual([
      { metricName: "h_seconds_bucket", labels: { function: "f", le: 0.1 }, value: 2 },
      { metricName: "h_seconds_bucket", labels: { function: "f", le: 1 }, value: 3 },
      { metricName: "h_seconds_bucket", labels: { function: "f", le: "+Inf" }, value: 4 },
      { metricName: "h_seconds_sum", labels: { function: "f" }, value: 7.65 },
      { metricName: "h_seconds_count", labels: { function: "f" }, value: 4 },
    ]);
  });
});

describe("registerFamily", () => {
  test("samples are collected at scrape time and rendered by prom-client's registry", async () => {
    const registry = new Registry();
    let n = 0;
    registerFamily(registry, "things_total", "Things", "counter", (out) =>
      out.push({ labels: { kind: "a" }, value: n }),
    );
    n = 3;
    expect(await registry.metrics()).toBe(
      '# HELP things_total Things\n# TYPE things_total counter\nthings_total{kind="a"} 3\n',
    );
    registry.resetMetrics(); // must not throw
    expect((await registry.getMetricsAsJSON())[0]).toMatchObject({ name: "things_total", type: "counter" });
  });
});
