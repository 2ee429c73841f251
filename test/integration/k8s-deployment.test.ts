/**
 * DEPLOYMENT functions on the k8s backend, end to end: the real control plane and the real
 * Kubernetes client against the fake API server (with the control plane's RBAC enforced), and a
 * local fake pod standing in for `fn-<name>.<ns>.svc.cluster.local:8080`.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config/config";
import { type ControlPlane, createControlPlane } from "../../src/control-plane";
import type { KubernetesDeployer } from "../../src/deploy/k8s/deployer";
import { createKubernetesDeployerFromConfig } from "../../src/deploy/k8s/from-config";
import { REQUIRED_RBAC } from "../../src/deploy/k8s/rbac";
import { resourceName } from "../../src/domain/object-name";
import { eventually, FakeKubeApiServer } from "../fakes/k8s-api-server";

const NS = "fns";
const SERVICE_URL = `http://fn-echo.${NS}.svc.cluster.local:8080/invoke`;
let fake: FakeKubeApiServer;
let pod: ReturnType<typeof Bun.serve>;
let deployer: KubernetesDeployer;
let cp: ControlPlane;

beforeEach(async () => {
  fake = await FakeKubeApiServer.start({ rbac: REQUIRED_RBAC });
  pod = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (req) => Response.json({ echoed: await req.json(), path: new URL(req.url).pathname }),
  });
  const config = loadConfig({
    NANOFAAS_DEPLOYMENT_BACKEND: "k8s",
    NANOFAAS_K8S_NAMESPACE: NS,
    POD_NAMESPACE: "nanofaas",
  });
  deployer = createKubernetesDeployerFromConfig(config, {
    kubeConfig: fake.kubeConfig(NS),
    resolveEndpoint: (url) =>
      url.replace(`http://fn-echo.${NS}.svc.cluster.local:8080`, `http://127.0.0.1:${pod.port}`),
    log: () => undefined,
  });
  await deployer.synced;
  cp = createControlPlane(config, { version: "test", deployer });
});
afterEach(async () => {
  await deployer.close();
  pod.stop(true);
  await fake.close();
});

const send = (method: string, path: string, body?: unknown) =>
  cp.app.request(path, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const register = (spec: object) => send("POST", "/v1/functions", { name: "echo", image: "example/echo:1", ...spec });
/** The stored object without what the API server sets. */
const stored = (plural: string, name = "fn-echo") => {
  const obj = fake.get(plural, NS, name);
  if (obj) for (const key of ["uid", "resourceVersion", "creationTimestamp", "generation"]) delete obj.metadata[key];
  return obj;
};

describe("register", () => {
  test("creates the Deployment and Service exactly as specified, and reports the Service URL", async () => {
    const response = await register({
      env: { GREETING: "hi", WARM: "no" },
      scalingConfig: { minReplicas: 2, maxReplicas: 4 },
      imagePullSecrets: ["regcred"],
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      endpointUrl: SERVICE_URL,
      requestedExecutionMode: "DEPLOYMENT",
      effectiveExecutionMode: "DEPLOYMENT",
      deploymentBackend: "k8s",
    });
    expect(stored("deployments")).toMatchSnapshot("deployment");
    expect(stored("services")).toMatchSnapshot("service");
    expect(stored("horizontalpodautoscalers")).toBeUndefined();
    // The callback URL defaults to this control plane's Service in its own namespace (SPEC §1.12).
    expect(stored("deployments").spec.template.spec.containers[0].env).toContainEqual({
      name: "CALLBACK_URL",
      value: "http://control-plane.nanofaas.svc.cluster.local:8080/v1/internal/executions",
    });
  });

  test("strategy HPA adds an autoscaling/v2 HPA; another strategy removes a leftover one", async () => {
    expect(
      (
        await register({
          scalingConfig: {
            strategy: "HPA",
            minReplicas: 1,
            maxReplicas: 5,
            metrics: [
              { type: "cpu", target: "70" },
              { type: "rps", target: "100" },
            ],
          },
        })
      ).status,
    ).toBe(201);
    expect(stored("horizontalpodautoscalers")).toMatchSnapshot("hpa");
    expect((await send("DELETE", "/v1/functions/echo")).status).toBe(204);
    fake.seed("horizontalpodautoscalers", NS, {
      metadata: { name: "fn-echo" },
      spec: { maxReplicas: 3, scaleTargetRef: { kind: "Deployment", name: "fn-echo" } },
    });
    expect((await register({})).status).toBe(201);
    expect(stored("horizontalpodautoscalers")).toBeUndefined();
  });

  test("objects left by an earlier control plane are patched (409 → merge patch), replicas back to minReplicas", async () => {
    fake.seed("deployments", NS, {
      metadata: { name: "fn-echo", labels: { app: "nanofaas", function: "echo" } },
      spec: {
        replicas: 5,
        selector: { matchLabels: { function: "echo" } },
        template: {
          metadata: { labels: { function: "echo" } },
          spec: { containers: [{ name: "function", image: "example/echo:0" }] },
        },
      },
    });
    fake.seed("services", NS, {
      metadata: { name: "fn-echo" },
      spec: { selector: { function: "echo" }, ports: [{ port: 8080 }] },
    });
    expect((await register({})).status).toBe(201);
    const deployment = fake.get("deployments", NS, "fn-echo");
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.template.spec.containers[0].image).toBe("example/echo:1");
    expect(deployment.metadata.labels["app.kubernetes.io/managed-by"]).toBe("nanofaas-control-plane");
    const writes = fake.requests
      .filter((r) => r.verb === "create" || r.verb === "patch")
      .map((r) => `${r.verb} ${r.resource} ${r.contentType ?? ""}`);
    expect(writes).toEqual([
      "create deployments application/json",
      "patch deployments application/merge-patch+json",
      "create services application/json",
      "patch services application/merge-patch+json",
    ]);
  });
});

describe("invoke", () => {
  test("work waits in the queue until the watch reports a ready replica, then reaches the pod", async () => {
    await register({});
    const call = send("POST", "/v1/functions/echo:invoke", { input: { n: 1 } });
    await Bun.sleep(50);
    expect(deployer.pickEndpoint("echo")).toBeUndefined();
    fake.setReadyReplicas(NS, "fn-echo", 1);
    const response = await call;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: "success",
      output: { echoed: { input: { n: 1 }, metadata: null }, path: "/invoke" },
    });
    expect(deployer.readyReplicas("echo")).toBe(1);
    expect(deployer.pickEndpoint("echo")).toBe(`http://127.0.0.1:${pod.port}/invoke`);
  });
});

describe("reference-style names (issue 15.3)", () => {
  test("stats_ (not a label value) gets fn-<resourceName>, GET shows it, and the watch maps readiness back to the name", async () => {
    const res = await register({ name: "stats_" });
    expect(res.status).toBe(201);
    const derived = resourceName("stats_");
    expect(((await res.json()) as { resourceName: string }).resourceName).toBe(derived);
    expect(stored("deployments", `fn-${derived}`)?.metadata.annotations).toEqual({
      "nanofaas.io/function-name": "stats_",
    });
    fake.setReadyReplicas(NS, `fn-${derived}`, 1);
    await eventually(() => deployer.readyReplicas("stats_") === 1);
  });
});

describe("replicas and delete", () => {
  test("PUT /replicas patches the scale subresource", async () => {
    await register({});
    const response = await send("PUT", "/v1/functions/echo/replicas", { replicas: 3 });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ function: "echo", replicas: 3 });
    expect(fake.get("deployments", NS, "fn-echo").spec.replicas).toBe(3);
    expect(fake.requests.at(-1)).toMatchObject({
      verb: "patch",
      resource: "deployments/scale",
      contentType: "application/merge-patch+json",
      body: { spec: { replicas: 3 } },
    });
    await eventually(() => deployer.requestedReplicas("echo") === 3, 2000, "the watch to see spec.replicas 3");
  });

  test("DELETE removes HPA, Service and Deployment and forgets readiness", async () => {
    await register({ scalingConfig: { strategy: "HPA" } });
    fake.setReadyReplicas(NS, "fn-echo", 2);
    await eventually(() => deployer.readyReplicas("echo") === 2, 2000, "ready replicas");
    expect((await send("DELETE", "/v1/functions/echo")).status).toBe(204);
    for (const plural of ["horizontalpodautoscalers", "services", "deployments"])
      expect(fake.get(plural, NS, "fn-echo")).toBeUndefined();
    expect(fake.requests.filter((r) => r.verb === "delete").map((r) => r.resource)).toEqual([
      "horizontalpodautoscalers",
      "services",
      "deployments",
    ]);
    expect(deployer.readyReplicas("echo")).toBe(0);
    expect((await send("GET", "/v1/functions/echo")).status).toBe(404);
  });
});

test("every request the backend made is covered by REQUIRED_RBAC (the fake enforces it)", async () => {
  await register({ scalingConfig: { strategy: "HPA" } });
  await send("PUT", "/v1/functions/echo/replicas", { replicas: 2 });
  await send("DELETE", "/v1/functions/echo");
  const used = new Set(fake.requests.map((r) => `${r.apiGroup}/${r.resource}:${r.verb}`));
  const granted = new Set(
    REQUIRED_RBAC.flatMap((rule) => rule.verbs.map((verb) => `${rule.apiGroup}/${rule.resource}:${verb}`)),
  );
  expect([...used].filter((u) => !granted.has(u))).toEqual([]);
  expect(fake.requests.every((r) => r.namespace === NS)).toBe(true);
});
