import { describe, expect, test } from "bun:test";
import { loadConfig } from "../config/config";
import { createControlPlane } from "../control-plane";
import { apiViewForSourceMode, refusedInSourceMode } from "./source-mode";

const controlPlane = (mode: string) =>
  createControlPlane(loadConfig({ NANOFAAS_CRD_MODE: mode, NANOFAAS_DEPLOYMENT_BACKEND: "k8s" }), {
    version: "test",
  });
const json = (method: string, body?: unknown) => ({
  method,
  headers: { "Content-Type": "application/json" },
  body: body === undefined ? undefined : JSON.stringify(body),
});

describe("NANOFAAS_CRD_MODE=source", () => {
  test("API registration and deletion are refused with 403 FORBIDDEN and a pointer to kubectl", async () => {
    const cp = controlPlane("source");
    const created = await cp.app.request("/v1/functions", json("POST", { name: "echo", executionMode: "LOCAL" }));
    expect(created.status).toBe(403);
    const body = (await created.json()) as { error: string; message: string; details: string[] };
    expect(body.error).toBe("FORBIDDEN");
    expect(body.message).toContain("kubectl");
    expect(body.details).toContain("kubectl apply -f function.yaml");
    expect(cp.functions.get("echo")).toBeUndefined();
  });

  test("functions registered by the operator are read, invoked and refused deletion through the API", async () => {
    const cp = controlPlane("source");
    await cp.functions.register({ name: "echo", executionMode: "LOCAL" }, "resource");
    expect((await cp.app.request("/v1/functions/echo")).status).toBe(200);
    const invoked = await cp.app.request("/v1/functions/echo:invoke", json("POST", { input: 1 }));
    expect(invoked.status).toBe(200);
    expect((await cp.app.request("/v1/functions/echo", { method: "DELETE" })).status).toBe(403);
    expect(cp.functions.get("echo")).toBeDefined();
  });

  test("PUT (a new version) and rollback are refused too, and the running version is unchanged", async () => {
    const cp = controlPlane("source");
    await cp.functions.register({ name: "echo", executionMode: "LOCAL", timeoutMs: 1000 }, "resource");
    const put = await cp.app.request(
      "/v1/functions/echo",
      json("PUT", { name: "echo", executionMode: "LOCAL", timeoutMs: 2000 }),
    );
    expect(put.status).toBe(403);
    const body = (await put.json()) as { error: string; message: string; details: string[] };
    expect(body.error).toBe("FORBIDDEN");
    expect(body.message).toContain("kubectl");
    expect(body.details).toContain("kubectl apply -f function.yaml");
    const rolledBack = await cp.app.request("/v1/functions/echo:rollback", json("POST", {}));
    expect(rolledBack.status).toBe(403);
    expect(cp.functions.get("echo")?.timeoutMs).toBe(1000);
    // reads still work
    expect((await cp.app.request("/v1/functions/echo/versions")).status).toBe(200);
  });

  test("every method classified as a write is refused by the API's view", async () => {
    const cp = controlPlane("source");
    await cp.functions.register({ name: "echo", executionMode: "LOCAL" }, "resource");
    const view = apiViewForSourceMode(cp.functions);
    const calls: Record<string, () => Promise<unknown>> = {
      register: () => view.register({ name: "other", executionMode: "LOCAL" }),
      update: () => view.update({ name: "echo", executionMode: "LOCAL" }),
      rollback: () => view.rollback("echo"),
      remove: () => view.remove("echo"),
      setTraffic: () => view.setTraffic("echo", [{ version: 1, weight: 100 }]),
      promote: () => view.promote("echo", 1),
    };
    expect(Object.keys(calls).sort()).toEqual([...refusedInSourceMode].sort());
    for (const call of Object.values(calls)) await expect(call()).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(cp.functions.get("echo")).toBeDefined();
    expect(cp.functions.get("other")).toBeUndefined();
  });

  test("in mirror mode the API registers as usual", async () => {
    const cp = controlPlane("mirror");
    const created = await cp.app.request("/v1/functions", json("POST", { name: "echo", executionMode: "LOCAL" }));
    expect(created.status).toBe(201);
  });
});

describe("NANOFAAS_CRD_MODE settings", () => {
  test("source and mirror need the k8s backend", () => {
    expect(() => loadConfig({ NANOFAAS_CRD_MODE: "source", NANOFAAS_DEPLOYMENT_BACKEND: "process" })).toThrow(
      "needs the k8s deployment backend",
    );
    expect(() => loadConfig({ NANOFAAS_CRD_MODE: "sideways" })).toThrow("NANOFAAS_CRD_MODE");
    expect(loadConfig({}).crdMode).toBe("off");
  });
});
