/**
 * The reference's configuration starts the real process (issue 15.1): `bun src/main.ts` with the
 * reference Helm chart's extraEnv and the CLI's variables comes up, logs ONE warning naming the
 * setting that does nothing here, and applies the scaling defaults it honours.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jsonRequest, testControlPlane } from "../support/control-plane";
import { startControlPlane } from "../support/control-plane-process";

test("main.ts starts with the reference's Helm extraEnv and client variables, with one warning", async () => {
  // On the default store (SQLite in a temp data dir), as a reference user would run it: the
  // harness's memory store would add its own "nothing survives" warning.
  const dataDir = mkdtempSync(join(tmpdir(), "nanofaas-reference-config-"));
  const cp = await startControlPlane({
    NANOFAAS_STORE: "sqlite",
    NANOFAAS_DATA_DIR: dataDir,
    NANOFAAS_SYNC_QUEUE_ENABLED: "true",
    NANOFAAS_SYNC_QUEUE_MAX_CONCURRENCY: "1",
    SYNC_QUEUE_PER_FUNCTION_MIN_SAMPLES: "1",
    NANOFAAS_URL: "http://localhost:8080",
    NANOFAAS_ENDPOINT: "http://localhost:8080",
    NANOFAAS_NAMESPACE: "nanofaas",
    NANOFAAS_CONTROL_PLANE_MODULES: "all",
  });
  try {
    // Everything logged up to and including the "started" line.
    const lines = cp.lines.slice(0, cp.lines.indexOf(cp.started) + 1);
    const warnings = lines.filter((line) => line.level === "warn" || line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]!.msg)).toContain("NANOFAAS_SYNC_QUEUE_MAX_CONCURRENCY");
    expect(JSON.stringify(lines)).not.toContain("NANOFAAS_URL");
  } finally {
    await cp.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("NANOFAAS_SCALING_DEFAULTMIN/MAXREPLICAS fill an omitted scalingConfig, shown by GET", async () => {
  const cp = testControlPlane({ NANOFAAS_SCALING_DEFAULTMINREPLICAS: "2", NANOFAAS_SCALING_DEFAULTMAXREPLICAS: "7" });
  const spec = { name: "scaled", executionMode: "DEPLOYMENT", endpointUrl: "http://127.0.0.1:9/invoke" };
  expect((await cp.app.request("/v1/functions", jsonRequest("POST", spec))).status).toBe(201);
  const body = (await (await cp.app.request("/v1/functions/scaled")).json()) as {
    scalingConfig: { minReplicas: number; maxReplicas: number };
  };
  expect([body.scalingConfig.minReplicas, body.scalingConfig.maxReplicas]).toEqual([2, 7]);
});
