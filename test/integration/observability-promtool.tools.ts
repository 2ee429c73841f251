/**
 * Tools tier (`just test-tools`: needs `promtool`, Debian package `prometheus`): `promtool check
 * metrics` on the whole exposition — process metrics, and function series from a LOCAL function and
 * a POOL function whose pod succeeds, fails and reports a cold start — accepts everything except the
 * names the reference forces on us.
 */
import { afterAll, expect, test } from "bun:test";
import { registerProcessMetrics } from "../../src/observability/process-metrics";
import { jsonRequest, testControlPlane } from "../support/control-plane";

const pod = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(request) {
    const { input } = (await request.json()) as { input: string };
    if (input === "fail") return Response.json({ error: { code: "HANDLER_ERROR", message: "boom" } }, { status: 500 });
    return Response.json(
      { ok: true },
      { headers: input === "cold" ? { "X-Cold-Start": "true", "X-Init-Duration-Ms": "12" } : {} },
    );
  },
});
afterAll(() => pod.stop(true));

function promtoolCheckMetrics(exposition: string): string[] {
  const result = Bun.spawnSync(["promtool", "check", "metrics"], {
    stdin: new TextEncoder().encode(exposition),
    stdout: "pipe",
    stderr: "pipe",
  });
  return `${result.stdout.toString()}${result.stderr.toString()}`.trim().split("\n").filter(Boolean).sort();
}

test("promtool accepts the exposition except for the two names the reference forces on us", async () => {
  const cp = testControlPlane();
  registerProcessMetrics(cp.metricsRegistry);
  await cp.app.request("/v1/functions", jsonRequest("POST", { name: "echo", executionMode: "LOCAL" }));
  await cp.app.request(
    "/v1/functions",
    jsonRequest("POST", { name: "pod", executionMode: "POOL", endpointUrl: pod.url.href, maxRetries: 0 }),
  );
  await cp.app.request("/v1/functions/echo:invoke", jsonRequest("POST", { input: 1 }));
  for (const input of ["ok", "cold", "fail"])
    await cp.app.request("/v1/functions/pod:invoke", jsonRequest("POST", { input }));
  for (const path of ["/actuator/prometheus", "/metrics"]) {
    const text = await (await cp.management.request(path)).text();
    expect(text).toContain('function="pod"');
    expect(text).toContain("process_cpu_seconds_total");
    expect(text).toContain("nodejs_eventloop_lag_seconds");
    expect(promtoolCheckMetrics(text)).toEqual([
      "function_e2e_latency_ms_seconds metric names should not contain abbreviated units",
      "function_inFlight metric names should be written in 'snake_case' not 'camelCase'",
      "function_init_duration_ms_seconds metric names should not contain abbreviated units",
      "function_latency_ms_seconds metric names should not contain abbreviated units",
      "function_queue_wait_ms_seconds metric names should not contain abbreviated units",
    ]);
  }
});

test("NANOFAAS_METRICS_REFERENCE_QUANTILES=true: {quantile} series for every function; promtool's only new finding is that lint (once per quantile)", async () => {
  const cp = testControlPlane({ NANOFAAS_METRICS_REFERENCE_QUANTILES: "true" });
  await cp.app.request("/v1/functions", jsonRequest("POST", { name: "echo", executionMode: "LOCAL" }));
  await cp.app.request("/v1/functions/echo:invoke", jsonRequest("POST", { input: 1 }));
  const text = await (await cp.management.request("/actuator/prometheus")).text();
  expect(text).toMatch(/^function_latency_ms_seconds\{function="echo",version="1",quantile="0\.99"\} [0-9.e-]+$/m);
  expect(text).toContain('function_e2e_latency_ms_seconds{function="echo",version="1",quantile="0.5"}');
  const findings = promtoolCheckMetrics(text);
  expect(
    findings.filter(
      (l) => !l.includes('"quantile" label') && !l.includes("abbreviated units") && !l.includes("camelCase"),
    ),
  ).toEqual([]);
  const quantileLints = new Set(findings.filter((l) => l.includes('should not have "quantile" label')));
  expect([...quantileLints].sort()).toEqual(
    [
      "function_e2e_latency_ms_seconds",
      "function_init_duration_ms_seconds",
      "function_latency_ms_seconds",
      "function_queue_wait_ms_seconds",
    ].map((name) => `${name} non-summary metrics should not have "quantile" label`),
  );
});
