/**
 * Kubernetes API failures through the real control plane: each lands in the error envelope with
 * an actionable message (403 names the RBAC verb), and a failed DELETE keeps the function.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config/config";
import { type ControlPlane, createControlPlane } from "../../src/control-plane";
import type { KubernetesDeployer } from "../../src/deploy/k8s/deployer";
import { createKubernetesDeployerFromConfig } from "../../src/deploy/k8s/from-config";
import { REQUIRED_RBAC, type RbacRule } from "../../src/deploy/k8s/rbac";
import { eventually, FakeKubeApiServer } from "../fakes/k8s-api-server";

const NS = "fns";
let fake: FakeKubeApiServer;
let deployer: KubernetesDeployer;
let cp: ControlPlane;
let logs: { event: string; fields?: Record<string, unknown> }[];

beforeEach(async () => {
  fake = await FakeKubeApiServer.start({ rbac: REQUIRED_RBAC });
  logs = [];
  const config = loadConfig({ NANOFAAS_DEPLOYMENT_BACKEND: "k8s", NANOFAAS_K8S_NAMESPACE: NS });
  deployer = createKubernetesDeployerFromConfig(config, {
    kubeConfig: fake.kubeConfig(NS),
    log: (event, fields) => logs.push({ event, fields }),
  });
  cp = createControlPlane(config, { version: "test", deployer });
});
afterEach(async () => {
  await deployer.close();
  await fake.close();
});

const send = (method: string, path: string, body?: unknown) =>
  cp.app.request(path, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const register = (spec: object = {}) =>
  send("POST", "/v1/functions", { name: "echo", image: "example/echo:1", ...spec });
/** The granted rules minus one verb. */
const without = (resource: string, verb: string): RbacRule[] =>
  REQUIRED_RBAC.map((rule) =>
    rule.resource === resource ? { ...rule, verbs: rule.verbs.filter((v) => v !== verb) } : rule,
  );

describe("403 Forbidden", () => {
  test("a missing verb on register is a 502 naming the verb, resource and namespace; nothing is registered", async () => {
    fake.rbac = without("services", "create");
    const response = await register();
    expect(response.status).toBe(502);
    expect(response.headers.get("content-type")).toContain("application/json");
    const body = await response.json();
    expect(body).toMatchObject({
      error: "BACKEND_FORBIDDEN",
      message:
        "Kubernetes denied 'create' on services in namespace 'fns': grant it to the control plane's ServiceAccount",
    });
    expect(body.details[0]).toContain('cannot create resource "services"');
    expect((await send("GET", "/v1/functions/echo")).status).toBe(404);
  });

  test("a missing patch on the scale subresource names it", async () => {
    fake.rbac = without("deployments/scale", "patch");
    await register();
    const response = await send("PUT", "/v1/functions/echo/replicas", { replicas: 2 });
    expect(response.status).toBe(502);
    expect((await response.json()).message).toBe(
      "Kubernetes denied 'patch' on deployments.apps/scale in namespace 'fns': grant it to the control plane's ServiceAccount",
    );
  });

  test("a DELETE that Kubernetes refuses keeps the function", async () => {
    await register();
    fake.rbac = without("deployments", "delete");
    const response = await send("DELETE", "/v1/functions/echo");
    expect(response.status).toBe(502);
    expect((await response.json()).error).toBe("BACKEND_FORBIDDEN");
    expect((await send("GET", "/v1/functions/echo")).status).toBe(200);
  });

  test("a watch without list/watch rights is logged with the verb to grant, and heals once granted", async () => {
    await deployer.close();
    fake.rbac = without("deployments", "list");
    const config = loadConfig({ NANOFAAS_K8S_NAMESPACE: NS });
    const watcher = createKubernetesDeployerFromConfig(config, {
      kubeConfig: fake.kubeConfig(NS),
      log: (event, fields) => logs.push({ event, fields }),
    });
    try {
      await eventually(() => logs.find((l) => l.event === "k8s_watch_error"), 3000, "a watch error log");
      expect(logs[0]!.fields?.error).toBe(
        "Kubernetes denied 'list' on deployments.apps in namespace 'fns': grant it to the control plane's ServiceAccount",
      );
      fake.rbac = REQUIRED_RBAC;
      await watcher.synced; // the retry (after 1 s) lists successfully
    } finally {
      await watcher.close();
    }
  });
});

describe("other API failures", () => {
  test("422 Invalid becomes UNPROCESSABLE with the API server's causes", async () => {
    fake.failNext({
      verb: "create",
      resource: "deployments",
      code: 422,
      reason: "Invalid",
      message:
        'Deployment.apps "fn-echo" is invalid: spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: "lots"',
      causes: [
        {
          field: "spec.template.spec.containers[0].resources.requests[cpu]",
          message: 'Invalid value: "lots": quantities must match the regular expression',
        },
      ],
    });
    const response = await register({ resources: { cpu: "lots" } });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      error: "UNPROCESSABLE",
      message: `Kubernetes rejected Deployment 'fn-echo' in namespace 'fns' as invalid: Deployment.apps "fn-echo" is invalid: spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: "lots"`,
      details: [
        'spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: "lots": quantities must match the regular expression',
      ],
    });
  });

  test("any other API status is BACKEND_ERROR carrying the API server's message", async () => {
    fake.failNext({
      verb: "create",
      resource: "services",
      code: 500,
      reason: "InternalError",
      message: "etcdserver: request timed out",
    });
    const response = await register();
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({
      error: "BACKEND_ERROR",
      message:
        "Kubernetes answered 500 to 'create' of Service 'fn-echo' in namespace 'fns': etcdserver: request timed out",
    });
  });

  test("an unreachable API server is 503 BACKEND_UNAVAILABLE with Retry-After", async () => {
    await fake.close();
    const response = await register();
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect((await response.json()).error).toBe("BACKEND_UNAVAILABLE");
    fake = await FakeKubeApiServer.start(); // for afterEach
  });

  test("no image: refused (400, a client mistake naming the field), or degraded to POOL when an endpointUrl is given", async () => {
    const refused = await send("POST", "/v1/functions", { name: "noimg" });
    expect(refused.status).toBe(400);
    const body = await refused.json();
    expect(body).toMatchObject({
      error: "VALIDATION_ERROR",
      message: "Function 'noimg' cannot run as DEPLOYMENT here",
    });
    expect(JSON.stringify(body.details)).toContain(
      "image: Function 'noimg' has no image: the k8s backend runs container images",
    );
    const degraded = await send("POST", "/v1/functions", { name: "noimg", endpointUrl: "http://pool.example/invoke" });
    expect(degraded.status).toBe(201);
    expect(await degraded.json()).toMatchObject({
      effectiveExecutionMode: "POOL",
      degradationReason: "Function 'noimg' has no image: the k8s backend runs container images",
    });
    expect(fake.requests.filter((r) => r.verb === "create")).toEqual([]);
  });
});
