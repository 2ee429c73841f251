/**
 * Admin runtime-config API (reference control-plane.md §1.11) through the real app: exact bodies,
 * revision checks, live effects on the engine, and its three metrics.
 */
import { describe, expect, test } from "bun:test";
import { jsonRequest, testControlPlane } from "../support/control-plane";

const PATH = "/v1/admin/runtime-config";
const enabled = () => testControlPlane({ NANOFAAS_ADMIN_RUNTIME_CONFIG_ENABLED: "true" });
const patch = (body: unknown) => jsonRequest("PATCH", body);
const post = (body: unknown) => jsonRequest("POST", body);

async function metric(cp: ReturnType<typeof enabled>, line: string): Promise<number | undefined> {
  const text = await (await cp.management.request("/metrics")).text();
  const found = text.split("\n").find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe("admin runtime-config API", () => {
  test("is off by default: all three routes are 404", async () => {
    const { app } = testControlPlane();
    expect((await app.request(PATH)).status).toBe(404);
    expect((await app.request(PATH, patch({ expectedRevision: 0 }))).status).toBe(404);
    expect((await app.request(`${PATH}/validate`, post({}))).status).toBe(404);
  });

  test("GET answers the reference's snapshot, byte for byte", async () => {
    const res = await enabled().app.request(PATH);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("application/json");
    expect(await res.text()).toBe(
      '{"revision":0,"rateMaxPerSecond":1000000,"syncQueueEnabled":true,"syncQueueAdmissionEnabled":true,' +
        '"syncQueueMaxEstimatedWait":"PT2S","syncQueueMaxQueueWait":"PT2S","syncQueueRetryAfterSeconds":2}',
    );
  });

  test("validate answers {valid:true}, ignores expectedRevision and changes nothing", async () => {
    const { app } = enabled();
    const res = await app.request(`${PATH}/validate`, post({ expectedRevision: 42, rateMaxPerSecond: 5 }));
    expect([res.status, await res.text()]).toEqual([200, '{"valid":true}']);
    expect((await (await app.request(PATH)).json()).rateMaxPerSecond).toBe(1_000_000);
  });

  test("PATCH without expectedRevision → 400 in the reference's shape", async () => {
    const res = await enabled().app.request(PATH, patch({ rateMaxPerSecond: 5 }));
    expect([res.status, await res.json()]).toEqual([400, { error: "expectedRevision is required" }]);
  });

  test("an unparseable duration → 400 naming the field and the raw value (PATCH and validate)", async () => {
    const { app } = enabled();
    const expected = {
      error: "Invalid duration for syncQueueMaxQueueWait",
      field: "syncQueueMaxQueueWait",
      value: "2 seconds",
    };
    const a = await app.request(PATH, patch({ expectedRevision: 0, syncQueueMaxQueueWait: "2 seconds" }));
    const b = await app.request(`${PATH}/validate`, post({ syncQueueMaxQueueWait: "2 seconds" }));
    expect([a.status, await a.json()]).toEqual([400, expected]);
    expect([b.status, await b.json()]).toEqual([400, expected]);
  });

  test("validation runs on the effective configuration → 422 with the reference's texts", async () => {
    const { app } = enabled();
    const res = await app.request(
      PATH,
      patch({
        expectedRevision: 0,
        rateMaxPerSecond: 0,
        syncQueueRetryAfterSeconds: 0,
        syncQueueMaxEstimatedWait: "PT3S",
      }),
    );
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      errors: [
        "rateMaxPerSecond must be > 0, got 0",
        "syncQueueMaxEstimatedWait must be <= syncQueueMaxQueueWait",
        "syncQueueRetryAfterSeconds must be >= 1, got 0",
      ],
    });
    const zero = await app.request(
      `${PATH}/validate`,
      post({ syncQueueMaxEstimatedWait: "PT0S", syncQueueMaxQueueWait: "PT0S" }),
    );
    expect(await zero.json()).toEqual({
      errors: ["syncQueueMaxEstimatedWait must be > 0", "syncQueueMaxQueueWait must be > 0"],
    });
  });

  test("a wrongly typed field is a VALIDATION_ERROR envelope", async () => {
    const res = await enabled().app.request(PATH, patch({ expectedRevision: 0, rateMaxPerSecond: "fast" }));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe("VALIDATION_ERROR");
  });

  test("a stale revision → 409 with currentRevision; nothing changes", async () => {
    const { app } = enabled();
    const res = await app.request(PATH, patch({ expectedRevision: 5, rateMaxPerSecond: 7 }));
    expect([res.status, await res.json()]).toEqual([
      409,
      { error: "Revision mismatch: expected 5 but current is 0", currentRevision: 0 },
    ]);
    expect((await (await app.request(PATH)).json()).rateMaxPerSecond).toBe(1_000_000);
  });

  test("a successful PATCH bumps the revision, answers the effective config and counts in the metrics", async () => {
    const cp = enabled();
    const res = await cp.app.request(
      PATH,
      patch({
        expectedRevision: 0,
        syncQueueMaxEstimatedWait: "pt0.5s",
        syncQueueMaxQueueWait: "PT1M30S",
        syncQueueEnabled: null,
      }),
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body)).toEqual(["revision", "effectiveConfig", "appliedAt", "changeId", "warnings"]);
    expect(body.revision).toBe(1);
    expect(body.effectiveConfig).toEqual({
      revision: 1,
      rateMaxPerSecond: 1_000_000,
      syncQueueEnabled: true,
      syncQueueAdmissionEnabled: true,
      syncQueueMaxEstimatedWait: "PT0.5S",
      syncQueueMaxQueueWait: "PT1M30S",
      syncQueueRetryAfterSeconds: 2,
    });
    expect(new Date(body.appliedAt).toISOString()).toBe(body.appliedAt);
    expect(body.changeId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(body.warnings).toEqual([]);
    expect(cp.settings.syncQueueMaxEstimatedWaitMs).toBe(500);
    expect(cp.settings.syncQueueMaxQueueWaitMs).toBe(90_000);

    const second = await cp.app.request(PATH, patch({ expectedRevision: 1, syncQueueRetryAfterSeconds: 3 }));
    expect((await second.json()).revision).toBe(2);
    expect(await metric(cp, "controlplane_runtime_config_revision")).toBe(2);
    expect(await metric(cp, 'controlplane_runtime_config_updates_total{status="success"}')).toBe(2);
    expect(await metric(cp, 'controlplane_runtime_config_updates_total{status="failure"}')).toBe(0);
    expect(await metric(cp, "controlplane_runtime_config_apply_duration_seconds_count")).toBe(2);
  });

  test("changes are live: the global rate limit and Retry-After apply to the next request", async () => {
    const cp = enabled();
    await cp.app.request("/v1/functions", post({ name: "echo", executionMode: "LOCAL" }));
    await cp.app.request(PATH, patch({ expectedRevision: 0, rateMaxPerSecond: 1 }));
    if (Date.now() % 1000 > 800) await Bun.sleep(1000 - (Date.now() % 1000) + 10);
    expect((await cp.app.request("/v1/functions/echo:invoke", post({ input: 1 }))).status).toBe(200);
    const limited = await cp.app.request("/v1/functions/echo:invoke", post({ input: 2 }));
    expect([limited.status, limited.headers.get("x-queue-reject-reason")]).toEqual([429, "rate"]);

    await cp.app.request(PATH, patch({ expectedRevision: 1, rateMaxPerSecond: 1000, syncQueueRetryAfterSeconds: 7 }));
    const pod = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => Bun.sleep(200).then(() => Response.json(1)) });
    await cp.app.request(
      "/v1/functions",
      post({
        name: "tiny",
        executionMode: "POOL",
        endpointUrl: `http://127.0.0.1:${pod.port}/invoke`,
        concurrency: 1,
        queueSize: 1,
      }),
    );
    const running = cp.app.request("/v1/functions/tiny:invoke", post({ input: 1 })); // takes the only slot
    await Bun.sleep(20);
    const waiting = cp.app.request("/v1/functions/tiny:invoke", post({ input: 2 })); // fills the sync lane
    await Bun.sleep(20);
    const full = await cp.app.request("/v1/functions/tiny:invoke", post({ input: 3 }));
    await Promise.all([running, waiting]);
    pod.stop(true);
    expect([full.status, full.headers.get("retry-after"), full.headers.get("x-queue-reject-reason")]).toEqual([
      429,
      "7",
      "depth",
    ]);
  });

  test("syncQueueEnabled=false sends sync calls through the async lane from the next request on", async () => {
    const cp = enabled();
    await cp.app.request("/v1/functions", post({ name: "echo", executionMode: "LOCAL" }));
    await cp.app.request("/v1/functions/echo:invoke", post({ input: 1 }));
    await cp.app.request(PATH, patch({ expectedRevision: 0, syncQueueEnabled: false }));
    await cp.app.request("/v1/functions/echo:invoke", post({ input: 2 }));
    expect(await metric(cp, 'sync_queue_admitted_total{function="echo",version="1"}')).toBe(1);
    expect(await metric(cp, 'function_enqueue_total{function="echo",version="1"}')).toBe(1);
  });
});
