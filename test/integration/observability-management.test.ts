/**
 * The management app (SPEC §1.14, reference §1.12): actuator paths and their short aliases,
 * readiness 503 while starting and draining, Prometheus exposition on both metrics paths, and none
 * of it on the API.
 */
import { describe, expect, test } from "bun:test";
import type { Phase } from "../../src/observability/health";
import { Leadership } from "../../src/ha/leadership";
import { testControlPlane } from "../support/control-plane";

const statusOf = async (cp: ReturnType<typeof testControlPlane>, path: string) => {
  const res = await cp.management.request(path);
  return [res.status, ((await res.json()) as { status: string }).status];
};

describe("management probes", () => {
  test.each<[Phase, number, number]>([
    // phase       liveness  readiness
    ["starting", 200, 503],
    ["ready", 200, 200],
    ["draining", 200, 503],
    ["stopped", 503, 503],
  ])("%s: liveness %d, readiness %d, on the actuator paths and the aliases", async (phase, live, ready) => {
    const cp = testControlPlane();
    cp.health.phase = phase;
    const word = (code: number) => (code === 200 ? "UP" : "DOWN");
    for (const path of ["/actuator/health/liveness", "/livez"])
      expect(await statusOf(cp, path)).toEqual([live, word(live)]);
    for (const path of ["/actuator/health/readiness", "/readyz"])
      expect(await statusOf(cp, path)).toEqual([ready, word(ready)]);
    const overall = await cp.management.request("/actuator/health");
    expect(overall.status).toBe(ready);
    expect(await overall.json()).toEqual({
      status: word(ready),
      groups: ["liveness", "readiness"],
      // One control plane without an election: it leads (issue 20).
      leader: true,
      replicaId: cp.leadership.replicaId,
    });
  });

  test("a follower replica says so in /actuator/health, and still serves (it stays ready)", async () => {
    const leadership = new Leadership("lease", "cp-2");
    const cp = testControlPlane({}, { leadership });
    cp.health.phase = "ready";
    const overall = await cp.management.request("/actuator/health");
    expect(overall.status).toBe(200);
    expect(await overall.json()).toMatchObject({ status: "UP", leader: false, replicaId: "cp-2" });
    leadership.set(true, "acquired");
    expect(await (await cp.management.request("/actuator/health")).json()).toMatchObject({ leader: true });
  });

  test("a fresh control plane is not ready until main.ts marks it so", async () => {
    expect((await testControlPlane().management.request("/readyz")).status).toBe(503);
  });

  test("readiness names the phase, so an operator can tell draining from starting", async () => {
    const cp = testControlPlane();
    cp.health.phase = "draining";
    expect(await (await cp.management.request("/readyz")).json()).toEqual({
      status: "DOWN",
      phase: "draining",
      store: "UP",
    });
  });

  test("/actuator/prometheus and /metrics serve the same text exposition", async () => {
    const cp = testControlPlane();
    const a = await cp.management.request("/actuator/prometheus");
    const b = await cp.management.request("/metrics");
    expect(a.status).toBe(200);
    expect(a.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const [ta, tb] = [await a.text(), await b.text()];
    expect(ta).toBe(tb);
    expect(ta).toContain("# TYPE function_inFlight gauge");
    expect(ta).toContain("# TYPE function_latency_ms_seconds histogram");
  });

  test("probes and metrics are not served on the API", async () => {
    const cp = testControlPlane();
    for (const path of ["/actuator/health", "/livez", "/readyz", "/metrics", "/actuator/prometheus"]) {
      expect((await cp.app.request(path)).status).toBe(404);
    }
  });

  test("probes ignore the API rate limit", async () => {
    const cp = testControlPlane({ NANOFAAS_RATE_MAXPERSECOND: "1" });
    cp.health.phase = "ready";
    for (let i = 0; i < 20; i++) expect((await cp.management.request("/readyz")).status).toBe(200);
  });
});
