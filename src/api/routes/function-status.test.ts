import { describe, expect, test } from "bun:test";
import type { Deployer } from "../../deploy/deployer";
import { jsonRequest, testControlPlane } from "../../../test/support/control-plane";

const fakeDeployer = (
  ready: Map<string, number>,
  desired?: Map<string, number>,
  errors?: Map<string, string>,
): Deployer => ({
  id: "fake",
  provision: async () => ({ endpointUrl: "http://127.0.0.1:9/invoke" }),
  deprovision: async () => undefined,
  setReplicas: async (name, n) => void desired?.set(name, n),
  readyReplicas: (name) => ready.get(name) ?? 0,
  ...(desired ? { desiredReplicas: (name: string) => desired.get(name) } : {}),
  replicaError: (name) => errors?.get(name),
  pickEndpoint: () => undefined,
  onReadyChange: () => () => undefined,
  close: async () => undefined,
});

async function statusOf(cp: ReturnType<typeof testControlPlane>, name: string): Promise<unknown> {
  const res = await cp.app.request(`/v1/functions/${name}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { status: unknown }).status;
}

describe("a function response's status (SPEC-platform §8)", () => {
  test("DEPLOYMENT: ready of desired, Progressing until enough are ready", async () => {
    const ready = new Map<string, number>();
    const desired = new Map([["dep", 2]]);
    const cp = testControlPlane({}, { deployer: fakeDeployer(ready, desired) });
    const created = await cp.app.request("/v1/functions", jsonRequest("POST", { name: "dep", image: "x/dep:1" }));
    expect(((await created.json()) as { status: unknown }).status).toEqual({
      state: "Progressing",
      ready: 0,
      desired: 2,
    });
    ready.set("dep", 2);
    expect(await statusOf(cp, "dep")).toEqual({ state: "Ready", ready: 2, desired: 2 });
    await cp.app.request("/v1/functions/dep/replicas", jsonRequest("PUT", { replicas: 0 }));
    ready.set("dep", 0);
    expect(await statusOf(cp, "dep")).toEqual({ state: "Ready", ready: 0, desired: 0 }); // scaled to zero
    const listed = (await (await cp.app.request("/v1/functions")).json()) as { status: unknown }[];
    expect(listed[0]!.status).toEqual({ state: "Ready", ready: 0, desired: 0 });
  });

  test("a backend that does not know the desired count: Ready once one replica is", async () => {
    const ready = new Map<string, number>();
    const cp = testControlPlane({}, { deployer: fakeDeployer(ready) });
    await cp.app.request("/v1/functions", jsonRequest("POST", { name: "dep", image: "x/dep:1" }));
    expect(await statusOf(cp, "dep")).toEqual({ state: "Progressing", ready: 0 });
    ready.set("dep", 1);
    expect(await statusOf(cp, "dep")).toEqual({ state: "Ready", ready: 1 });
  });

  test("LOCAL and POOL are Ready; DEPLOYMENT degraded to POOL is Degraded and says why", async () => {
    const cp = testControlPlane();
    await cp.app.request("/v1/functions", jsonRequest("POST", { name: "loc", executionMode: "LOCAL" }));
    expect(await statusOf(cp, "loc")).toEqual({ state: "Ready" });
    await cp.app.request("/v1/functions", jsonRequest("POST", { name: "deg", endpointUrl: "http://127.0.0.1:9/" }));
    const status = (await statusOf(cp, "deg")) as { state: string; lastError: string };
    expect(status.state).toBe("Degraded");
    expect(status.lastError).toContain("NANOFAAS_DEPLOYMENT_BACKEND=none");
  });

  test("replicas that fail: Failed while none is ready, Degraded while some are, with the last replica error", async () => {
    const ready = new Map<string, number>();
    const desired = new Map([["dep", 2]]);
    const errors = new Map<string, string>();
    const cp = testControlPlane({}, { deployer: fakeDeployer(ready, desired, errors) });
    await cp.app.request("/v1/functions", jsonRequest("POST", { name: "dep", image: "x/dep:1" }));
    const error = "handler failed to load: Cannot find module './nope'; exited with code 1 before becoming ready";
    errors.set("dep", error);
    expect(await statusOf(cp, "dep")).toEqual({ state: "Failed", ready: 0, desired: 2, lastError: error });
    ready.set("dep", 1);
    expect(await statusOf(cp, "dep")).toEqual({ state: "Degraded", ready: 1, desired: 2, lastError: error });
    ready.set("dep", 2);
    expect(await statusOf(cp, "dep")).toEqual({ state: "Ready", ready: 2, desired: 2 });
  });
});
