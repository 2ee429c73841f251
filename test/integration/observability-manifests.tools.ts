/**
 * Monitoring assets under manifests/monitoring: the alert rules pass `promtool check rules` and
 * their own `promtool test rules` unit tests, the PrometheusRule carries the same groups, the
 * Grafana dashboard's queries are valid PromQL over metrics the control plane really exports, and
 * `kubectl kustomize` renders both objects.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { registerProcessMetrics } from "../../src/observability/process-metrics";
import { jsonRequest, testControlPlane } from "../support/control-plane";

const REPO = new URL("../..", import.meta.url).pathname;
const DIR = join(REPO, "manifests/monitoring");

function run(cmd: string[]): { code: number; out: string } {
  const result = Bun.spawnSync(cmd, { cwd: REPO, stdout: "pipe", stderr: "pipe" });
  return { code: result.exitCode, out: `${result.stdout.toString()}${result.stderr.toString()}` };
}

function withTempFile<T>(name: string, content: string, use: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "nanofaas-monitoring-"));
  try {
    const path = join(dir, name);
    writeFileSync(path, content);
    return use(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Dashboard = {
  panels: { type: string; title: string; targets?: { expr: string }[] }[];
  templating: { list: { name: string }[] };
};
const dashboard = async () => (await Bun.file(join(DIR, "grafana-dashboard.json")).json()) as Dashboard;
const dashboardExprs = async () => (await dashboard()).panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
/** Grafana variables replaced by what they expand to, so promtool can parse the query. */
const concrete = (expr: string) => expr.replaceAll("$__rate_interval", "5m").replaceAll("$function", ".*");

describe("alert rules", () => {
  test("promtool check rules accepts the rule file", () => {
    const { code, out } = run(["promtool", "check", "rules", "manifests/monitoring/nanofaas-rules.yaml"]);
    expect(out).toContain("SUCCESS: 8 rules found");
    expect(code).toBe(0);
  });

  test("the rules' unit tests pass (promtool test rules)", () => {
    const { code, out } = run(["promtool", "test", "rules", "manifests/monitoring/tests/nanofaas-rules.test.yaml"]);
    expect(out).toContain("SUCCESS");
    expect(code).toBe(0);
  });

  test("cover error rate, p99 vs timeout, queue saturation and control plane down", async () => {
    const rules = parse(await Bun.file(join(DIR, "nanofaas-rules.yaml")).text()) as {
      groups: { rules: { alert: string }[] }[];
    };
    const alerts = rules.groups.flatMap((g) => g.rules.map((r) => r.alert));
    for (const name of [
      "NanofaasFunctionErrorRateHigh",
      "NanofaasFunctionLatencyNearTimeout",
      "NanofaasQueueSaturated",
      "NanofaasControlPlaneDown",
    ]) {
      expect(alerts).toContain(name);
    }
  });

  test("the PrometheusRule carries exactly the rule file's groups, and promtool accepts them", async () => {
    const plain = parse(await Bun.file(join(DIR, "nanofaas-rules.yaml")).text());
    const cr = parse(await Bun.file(join(DIR, "prometheusrule.yaml")).text());
    expect(cr.kind).toBe("PrometheusRule");
    expect(cr.spec).toEqual(plain);
    const { code, out } = withTempFile("rules.yaml", stringify(cr.spec), (path) =>
      run(["promtool", "check", "rules", path]),
    );
    expect([code, out]).toEqual([0, expect.stringContaining("SUCCESS: 8 rules found")]);
  });
});

describe("Grafana dashboard", () => {
  test("has the panels operators need, and a function selector", async () => {
    const d = await dashboard();
    const titles = d.panels.map((p) => p.title).join(" | ");
    for (const topic of [
      "Throughput",
      "p50 / p95 / p99",
      "Error ratio",
      "Queue depth",
      "In flight",
      "Cold",
      "Rejections",
    ]) {
      expect(titles).toContain(topic);
    }
    expect(d.templating.list.map((v) => v.name)).toEqual(["datasource", "function"]);
  });

  test("every query is valid PromQL (checked by promtool as recording rules)", async () => {
    const exprs = await dashboardExprs();
    expect(exprs.length).toBeGreaterThan(20);
    const rules = {
      groups: [
        {
          name: "dashboard",
          rules: exprs.map((expr, i) => ({ record: `dashboard:query_${i}`, expr: concrete(expr) })),
        },
      ],
    };
    const { code, out } = withTempFile("dashboard-rules.yaml", stringify(rules), (path) =>
      run(["promtool", "check", "rules", path]),
    );
    expect(out).toContain(`SUCCESS: ${exprs.length} rules found`);
    expect(code).toBe(0);
  });

  test("every metric it (or an alert) queries is exported by the control plane", async () => {
    const cp = testControlPlane();
    registerProcessMetrics(cp.metricsRegistry);
    await cp.app.request("/v1/functions", jsonRequest("POST", { name: "echo", executionMode: "LOCAL" }));
    await cp.app.request("/v1/functions/echo:invoke", jsonRequest("POST", { input: 1 }));
    await Bun.sleep(20);
    const exposition = await (await cp.management.request("/metrics")).text();
    const exported = new Set(
      exposition
        .split("\n")
        .filter((l) => l && !l.startsWith("#"))
        .map((l) => l.split(/[{ ]/)[0]!),
    );
    const rules = await Bun.file(join(DIR, "nanofaas-rules.yaml")).text();
    const queried = new Set(
      [...(await dashboardExprs()), rules].flatMap((text) =>
        [
          ...text.matchAll(
            /\b((?:function|sync_queue|http_server|controlplane|nanofaas|process|nodejs)_[A-Za-z0-9_]+)/g,
          ),
        ].map((m) => m[1]!),
      ),
    );
    expect(queried.size).toBeGreaterThan(20);
    expect([...queried].filter((name) => !exported.has(name))).toEqual([]);
  });
});

describe("kustomize", () => {
  test("renders the PrometheusRule and the dashboard ConfigMap labelled for the Grafana sidecar", async () => {
    const { code, out } = run(["kubectl", "kustomize", "manifests/monitoring"]);
    expect(code).toBe(0);
    const objects = out.split(/^---$/m).map((doc) => parse(doc));
    const configMap = objects.find((o) => o.kind === "ConfigMap");
    expect(objects.map((o) => o.kind).sort()).toEqual(["ConfigMap", "PrometheusRule"]);
    expect(configMap.metadata.labels).toMatchObject({ grafana_dashboard: "1" });
    expect(JSON.parse(configMap.data["nanofaas-functions.json"])).toEqual(await dashboard());
  });
});
