/**
 * The features table's arithmetic: per-round ratios of accepted requests/s (429s are not
 * throughput), their median and range, the budget verdict, and a "not built" row with no number.
 */
import { describe, expect, test } from "bun:test";
import { featureRows, formatFeatureRows } from "./features-table";
import type { Sample } from "./http";
import { rowSpecs } from "./features";

const sample = (id: string, round: number, rps: number, requests = 1000, statusErrors = 0, cpu = 50): Sample => ({
  round,
  id,
  connections: 64,
  requests,
  statusErrors,
  socketErrors: 0,
  rps,
  p50Us: 0,
  p90Us: 0,
  p99Us: 0,
  gatewayCpuUs: cpu,
  podCpuUs: 0,
  loadgenCpuUs: 0,
});

const spec = { feature: "API key", measure: "sync :invoke", target: "on", baseline: "plain", budget: 0.97 } as const;

describe("features table", () => {
  test("ratios are taken within a round, then the median over rounds, with the range", () => {
    // Round 2 is slower for both: within-round ratios stay 0.98, 0.99, 0.90 → median 0.98.
    const samples = [
      sample("plain", 1, 1000),
      sample("on", 1, 980),
      sample("plain", 2, 500),
      sample("on", 2, 495),
      sample("on", 3, 900),
      sample("plain", 3, 1000),
    ];
    const [row] = featureRows([spec], samples);
    expect(row).toMatchObject({ ratio: 0.98, range: [0.9, 0.99], rounds: 3, pass: true });
    expect(row!.baselineRps).toBe(1000);
    expect(row!.targetRps).toBe(900);
  });

  test("below the budget fails; refused requests (429) do not count as throughput", () => {
    const samples = [sample("plain", 1, 1000), sample("on", 1, 1000, 1000, 100, 55)];
    const [row] = featureRows([spec], samples);
    expect(row!.ratio).toBe(0.9);
    expect(row!.pass).toBe(false);
    expect(row!.cpuRatio).toBe(1.1);
    expect(formatFeatureRows([row!], 64)).toContain("FAIL");
  });

  test("a feature not in the build: no number, no verdict, and it says why", () => {
    const [row] = featureRows([{ ...spec, notBuilt: "no /v1/tenants/{name}" }], []);
    expect(row!.ratio).toBeUndefined();
    expect(row!.pass).toBeUndefined();
    const text = formatFeatureRows([row!], 64);
    expect(text).toContain("not built: no /v1/tenants/{name}");
    expect(text).not.toContain("PASS");
  });

  test("a measured row with no paired round is an error, not a silent gap", () => {
    expect(() => featureRows([spec], [sample("on", 1, 10)])).toThrow("no rounds measured both on and plain");
  });

  test("issue 27's rows and budgets; tenancy is not built until its routes exist, the compound rows name their parts", () => {
    const now = rowSpecs({ traffic: false, tenants: false });
    expect(now.map((r) => [r.feature, r.measure, r.budget])).toEqual([
      ["API key", "sync :invoke", 0.97],
      ["JWT (OIDC, reused token)", "sync :invoke", 0.95],
      ["durable store (SQLite)", "sync :invoke", 0.95],
      ["durable store (SQLite)", ":enqueue accepted", 0.5],
      ["tenancy + quotas", "sync :invoke", 0.95],
      ["breaker + versioned routing", "sync :invoke", 0.97],
    ]);
    expect(now.find((r) => r.target === "tenancy")!.notBuilt).toContain("/v1/tenants/{name}");
    expect(now.find((r) => r.target === "resilience")!.note).toContain("versioned routing not built");
    const later = rowSpecs({ traffic: true, tenants: true, quotasEnforced: true });
    expect(later.find((r) => r.target === "tenancy")!.notBuilt).toBeUndefined();
    expect(later.find((r) => r.target === "tenancy")!.note).toContain("checked on every call");
    expect(later.find((r) => r.target === "resilience")!.note).toContain("traffic split");
    const unenforced = rowSpecs({ traffic: true, tenants: true, quotasEnforced: false });
    expect(unenforced.find((r) => r.target === "tenancy")!.note).toContain("not enforced");
  });
});
