/**
 * Tools tier (`just test-tools`, which installs wrk and nginx-light when missing first).
 * The benchmark harness end to end in its tiny mode (1 s per target, one round, a few
 * connections): every process starts, wrk's numbers come back, ratios and SPEC checks are
 * computed. It asserts that the instrument works, never how fast anything is.
 */
import { describe, expect, test } from "bun:test";
import { runBench } from "./run";

describe("bench harness", () => {
  test("runs the side-by-side HTTP phase, dispatch latency, overhead and ring buffer in tiny mode", async () => {
    const lines: string[] = [];
    const result = (await runBench({
      rounds: 1,
      seconds: 1,
      connections: 4,
      phases: ["http", "dispatch", "overhead", "ring"],
      pin: false,
      quick: true,
      save: false,
      log: (l) => lines.push(l),
    })) as {
      http: { targets: { throughput: { id: string; rps: number }[] }; ratios: { name: string; value: number }[] };
      dispatch: { enqueueToDispatch: { samples: number } };
      spec: { goal: string }[];
    };
    const ids = result.http.targets.throughput.map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining(["pod", "forwarder", "nginx", "nanofaas", "enqueue"]));
    for (const t of result.http.targets.throughput) expect(t.rps).toBeGreaterThan(0);
    expect(result.http.ratios.map((r) => r.name)).toContain("throughput nanofaas ÷ forwarder");
    expect(result.dispatch.enqueueToDispatch.samples).toBe(2000);
    expect(result.spec.length).toBeGreaterThan(0);
    expect(lines.join("\n")).toContain("SPEC §3");
  }, 60_000);
});
