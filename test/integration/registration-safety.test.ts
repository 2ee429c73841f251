/**
 * Registrations that must never be accepted, however they are phrased (issue 13: safe under
 * hostile input): URLs Bun's fetch would read from disk, and the answers a client gets.
 */
import { describe, expect, test } from "bun:test";
import { jsonRequest, testControlPlane } from "../support/control-plane";

const register = (cp: ReturnType<typeof testControlPlane>, spec: unknown) =>
  cp.app.request("/v1/functions", jsonRequest("POST", spec));

describe("endpointUrl: http and https only", () => {
  test.each([
    "file:///srv/app/secrets.json",
    "file:///var/run/secrets/kubernetes.io/serviceaccount/token",
    "data:application/json,{}",
    "ftp://files.example/x",
    "",
  ])("%p → 400 naming endpointUrl, nothing registered", async (endpointUrl) => {
    const cp = testControlPlane();
    const res = await register(cp, { name: "leak", executionMode: "POOL", endpointUrl });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toMatchObject({
      error: "VALIDATION_ERROR",
      details: ["endpointUrl: must be an absolute http:// or https:// URL"],
    });
    expect(cp.functions.list()).toEqual([]);
  });

  test.each(["http://127.0.0.1:9/invoke", "https://fn.example/invoke"])("%p is accepted", async (endpointUrl) => {
    const res = await register(testControlPlane(), { name: "ok", executionMode: "POOL", endpointUrl });
    expect(res.status).toBe(201);
  });
});

describe("replica counts are bounded (NANOFAAS_MAX_REPLICAS)", () => {
  test.each([
    [{ minReplicas: 2_000_000_000 }, ["scalingConfig.minReplicas: must be <= 50 (NANOFAAS_MAX_REPLICAS)"]],
    [{ maxReplicas: 51 }, ["scalingConfig.maxReplicas: must be <= 50 (NANOFAAS_MAX_REPLICAS)"]],
  ])("%p → 400 naming the field", async (scalingConfig, details) => {
    const cp = testControlPlane();
    const res = await register(cp, {
      name: "many",
      executionMode: "POOL",
      endpointUrl: "http://127.0.0.1:9/",
      scalingConfig,
    });
    expect(res.status).toBe(400);
    expect((await res.json()).details).toEqual(details);
  });

  test.each([
    [{ minReplicas: -1 }, "scalingConfig.minReplicas"],
    [{ maxReplicas: -5 }, "scalingConfig.maxReplicas"],
    [{ minReplicas: 5, maxReplicas: 2 }, "scalingConfig.minReplicas"],
  ])("%p → 400 in every mode", async (scalingConfig, field) => {
    const cp = testControlPlane();
    const res = await register(cp, { name: "odd", executionMode: "LOCAL", scalingConfig });
    expect(res.status).toBe(400);
    expect((await res.json()).details[0]).toStartWith(`${field}: `);
  });

  test("the bound follows the setting", async () => {
    const cp = testControlPlane({ NANOFAAS_MAX_REPLICAS: "3", NANOFAAS_SCALING_DEFAULT_MAX_REPLICAS: "3" });
    expect(
      (
        await register(cp, {
          name: "four",
          executionMode: "POOL",
          endpointUrl: "http://127.0.0.1:9/",
          scalingConfig: { maxReplicas: 4 },
        })
      ).status,
    ).toBe(400);
    const res = await register(cp, {
      name: "dflt",
      executionMode: "POOL",
      endpointUrl: "http://127.0.0.1:9/",
      scalingConfig: { strategy: "INTERNAL" },
    });
    expect(res.status).toBe(201);
  });

  test("PUT …/replicas above the bound → 400 naming the setting, the deployer never asked", async () => {
    const asked: number[] = [];
    const deployer = {
      id: "fake",
      provision: async () => ({ endpointUrl: "http://127.0.0.1:9/invoke" }),
      deprovision: async () => undefined,
      setReplicas: async (_: string, n: number) => void asked.push(n),
      readyReplicas: () => 0,
      pickEndpoint: () => undefined,
      onReadyChange: () => () => undefined,
      close: async () => undefined,
    };
    const cp = testControlPlane({}, { deployer });
    expect((await register(cp, { name: "d", scalingConfig: { minReplicas: 0 } })).status).toBe(201);
    const res = await cp.app.request("/v1/functions/d/replicas", jsonRequest("PUT", { replicas: 2500 }));
    expect(res.status).toBe(400);
    expect((await res.json()).details).toEqual(["replicas: must be <= 50 (NANOFAAS_MAX_REPLICAS)"]);
    expect((await cp.app.request("/v1/functions/d/replicas", jsonRequest("PUT", { replicas: 50 }))).status).toBe(200);
    expect(asked).toEqual([50]);
  });
});

describe("the number of functions is bounded (NANOFAAS_MAX_FUNCTIONS)", () => {
  test("one more than the bound → 403 QUOTA_EXCEEDED; after a delete there is room again", async () => {
    const cp = testControlPlane({ NANOFAAS_MAX_FUNCTIONS: "3" });
    for (const name of ["a", "b", "c"]) expect((await register(cp, { name, executionMode: "LOCAL" })).status).toBe(201);
    const res = await register(cp, { name: "d", executionMode: "LOCAL" });
    expect(res.status).toBe(403);
    expect((await res.json()).error).toBe("QUOTA_EXCEEDED");
    expect(cp.functions.list()).toHaveLength(3);
    expect((await cp.app.request("/v1/functions/a", { method: "DELETE" })).status).toBe(204);
    expect((await register(cp, { name: "d", executionMode: "LOCAL" })).status).toBe(201);
  });

  test("the default is 1000", async () => {
    const cp = testControlPlane();
    for (let i = 0; i < 1000; i++)
      cp.functions.get(`f${i}`) ?? (await cp.functions.register({ name: `f${i}`, executionMode: "LOCAL" }));
    expect((await register(cp, { name: "one-too-many", executionMode: "LOCAL" })).status).toBe(403);
  });
});

describe("retained inputs and outputs are bounded (NANOFAAS_MAX_RETAINED_BYTES)", () => {
  test("enqueue beyond the budget → 429 QUEUE_FULL, X-Queue-Reject-Reason memory; room again once swept", async () => {
    const cp = testControlPlane({
      NANOFAAS_MAX_RETAINED_BYTES: "10000",
      NANOFAAS_EXECUTION_STORE_TTL: "1ms",
      NANOFAAS_EXECUTION_STORE_CLEANUP_TTL: "1ms",
    });
    await register(cp, { name: "echo", executionMode: "LOCAL" });
    const enqueue = () =>
      cp.app.request("/v1/functions/echo:enqueue", jsonRequest("POST", { input: "x".repeat(2000) }));
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await enqueue();
      expect(res.status).toBe(202);
      ids.push((await res.json()).executionId);
    }
    // Each execution holds its body (~2 KB) and, once done, its echoed output (~2 KB).
    for (const id of ids) {
      for (let n = 0; n < 100 && cp.engine.execution(id)?.status !== "success"; n++) await Bun.sleep(5);
    }
    const refused = await enqueue();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("x-queue-reject-reason")).toBe("memory");
    expect(refused.headers.get("retry-after")).not.toBeNull();
    expect((await refused.json()).error).toBe("QUEUE_FULL");
    await Bun.sleep(5);
    cp.engine.sweep();
    expect((await enqueue()).status).toBe(202);
  });
});
