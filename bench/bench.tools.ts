/**
 * Tools tier (`just test-tools`, which installs wrk and nginx-light when missing first): CI's
 * smoke of `just bench` (the same as `just bench-smoke`). The benchmark harness end to end in its
 * tiny mode (1 s per target, one round, a few connections): every process starts (a control plane
 * per feature of the features table, with its credential), wrk's numbers come back, ratios and
 * SPEC checks are computed. It asserts that the instrument works, never how fast anything is.
 */
import { describe, expect, test } from "bun:test";
import type { FeatureRow } from "./features-table";
import { runBench } from "./run";

describe("bench harness", () => {
  test("runs the side-by-side HTTP phase, the features table, dispatch latency, overhead and ring buffer in tiny mode", async () => {
    const lines: string[] = [];
    const result = (await runBench({
      rounds: 1,
      seconds: 1,
      connections: 4,
      phases: ["http", "features", "dispatch", "overhead", "ring"],
      pin: false,
      quick: true,
      save: false,
      log: (l) => lines.push(l),
    })) as {
      http: { targets: { throughput: { id: string; rps: number }[] }; ratios: { name: string; value: number }[] };
      dispatch: { enqueueToDispatch: { samples: number } };
      spec: { goal: string }[];
      features: { rows: FeatureRow[]; samples: { id: string; statusErrors: number; socketErrors: number }[] };
    };
    const ids = result.http.targets.throughput.map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining(["pod", "forwarder", "nginx", "nanofaas", "enqueue"]));
    for (const t of result.http.targets.throughput) expect(t.rps).toBeGreaterThan(0);
    expect(result.http.ratios.map((r) => r.name)).toContain("throughput nanofaas ÷ forwarder");
    expect(result.dispatch.enqueueToDispatch.samples).toBe(2000);
    expect(result.spec.length).toBeGreaterThan(0);
    expect(lines.join("\n")).toContain("SPEC §3");
    // Every built feature measured with no refused request (a wrong credential would be all 401s).
    for (const s of result.features.samples)
      expect({ id: s.id, errors: s.statusErrors + s.socketErrors }).toEqual({ id: s.id, errors: 0 });
    const measured = result.features.rows.filter((r) => r.notBuilt === undefined);
    expect(measured.map((r) => r.target)).toEqual(
      expect.arrayContaining(["apikey", "jwt", "sqlite", "sqlite-enqueue", "resilience"]),
    );
    for (const r of measured) expect(r.ratio).toBeGreaterThan(0);
    for (const r of result.features.rows.filter((x) => x.notBuilt !== undefined)) expect(r.ratio).toBeUndefined();
    expect(lines.join("\n")).toContain("breaker + versioned routing");
  }, 120_000);
});
