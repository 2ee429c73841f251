import { describe, expect, test } from "bun:test";
import { Registry } from "prom-client";
import type { RuntimeSettings } from "../execution/runtime-settings";
import { silentLogger } from "../observability/logger";
import { createMetrics } from "../observability/metrics";
import { RuntimeConfigService } from "./runtime-config";

function setup(appliers: ((s: Readonly<RuntimeSettings>) => void)[] = []) {
  const registry = new Registry();
  const metrics = createMetrics({ registry, queues: () => new Map(), version: "test" }).runtimeConfig;
  const settings: RuntimeSettings = {
    rateMaxPerSecond: 100,
    syncQueueEnabled: true,
    syncQueueAdmissionEnabled: true,
    syncQueueMaxEstimatedWaitMs: 2000,
    syncQueueMaxQueueWaitMs: 2000,
    syncQueueRetryAfterSeconds: 2,
  };
  const service = new RuntimeConfigService({
    settings,
    metrics,
    logger: silentLogger(),
    appliers,
    now: () => 0,
    newId: () => "id-1",
  });
  const metric = async (name: string) =>
    (await registry.getSingleMetricAsString(name)).split("\n").filter((l) => !l.startsWith("#"));
  return { service, settings, metric };
}

describe("RuntimeConfigService", () => {
  test("null and absent fields leave the current values; the patch applies to the settings object in place", () => {
    const { service, settings } = setup();
    const answer = service.patch({ expectedRevision: 0, rateMaxPerSecond: null, syncQueueAdmissionEnabled: false });
    expect(answer.status).toBe(200);
    expect(settings).toEqual({
      rateMaxPerSecond: 100,
      syncQueueEnabled: true,
      syncQueueAdmissionEnabled: false,
      syncQueueMaxEstimatedWaitMs: 2000,
      syncQueueMaxQueueWaitMs: 2000,
      syncQueueRetryAfterSeconds: 2,
    });
    expect(answer.body).toMatchObject({ revision: 1, appliedAt: "1970-01-01T00:00:00.000Z", changeId: "id-1" });
  });

  test("an applier that throws rolls every setting back → 503, failure counted, revision unchanged", async () => {
    const seen: number[] = [];
    const { service, settings, metric } = setup([
      (s) => {
        seen.push(s.rateMaxPerSecond);
        if (s.rateMaxPerSecond === 5) throw new Error("limiter refused");
      },
    ]);
    const answer = service.patch({ expectedRevision: 0, rateMaxPerSecond: 5, syncQueueRetryAfterSeconds: 9 });
    expect(answer).toEqual({ status: 503, body: { error: "Apply failed, rolled back", detail: "limiter refused" } });
    expect(settings.rateMaxPerSecond).toBe(100);
    expect(settings.syncQueueRetryAfterSeconds).toBe(2);
    expect(seen).toEqual([5, 100]); // appliers see the new values, then the restored ones
    expect(service.snapshot().revision).toBe(0);
    expect(await metric("controlplane_runtime_config_updates_total")).toEqual([
      'controlplane_runtime_config_updates_total{status="success"} 0',
      'controlplane_runtime_config_updates_total{status="failure"} 1',
    ]);
    expect(await metric("controlplane_runtime_config_revision")).toEqual(["controlplane_runtime_config_revision 0"]);
  });

  test("validation and parse failures never reach apply (no update counted)", async () => {
    const { service, metric } = setup();
    expect(service.patch({ expectedRevision: 0, rateMaxPerSecond: -1 }).status).toBe(422);
    expect(service.patch({ expectedRevision: 0, syncQueueMaxQueueWait: "soon" }).status).toBe(400);
    expect(service.patch({ expectedRevision: 3 }).status).toBe(409);
    expect(await metric("controlplane_runtime_config_apply_duration_seconds")).toContain(
      "controlplane_runtime_config_apply_duration_seconds_count 0",
    );
  });
});
