import { describe, expect, test } from "bun:test";
import { loadConfig } from "../config/config";
import { createControlPlane } from "../control-plane";

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
