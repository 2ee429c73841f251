/**
 * The Function operator through the real `@kubernetes/client-node` against the fake API server
 * (the control plane's RBAC enforced): a real control plane, the k8s deployer, and Function
 * resources applied, updated and deleted as `kubectl` would.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { AppsV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import { eventually, FakeKubeApiServer } from "../../test/fakes/k8s-api-server";
import { loadConfig } from "../config/config";
import { type ControlPlane, createControlPlane } from "../control-plane";
import type { KubernetesDeployer } from "../deploy/k8s/deployer";
import { createKubernetesDeployerFromConfig } from "../deploy/k8s/from-config";
import { createFunctionResources, type FunctionResources } from "../deploy/k8s/function-resources";
import { REQUIRED_RBAC } from "../deploy/k8s/rbac";
import { KubeTransport } from "../deploy/k8s/transport";
import { FUNCTION_FINALIZER, functionCrd } from "./function-crd";
import { FunctionMirror, SOURCE_ANNOTATION } from "./mirror";
import { FunctionOperator } from "./operator";

const NS = "fns";
// biome-ignore lint/suspicious/noExplicitAny: custom objects are untyped in the client.
type Obj = any;
let fake: FakeKubeApiServer;
let pod: ReturnType<typeof Bun.serve>;
let deployer: KubernetesDeployer;
let cp: ControlPlane;
let operator: FunctionOperator;
let custom: CustomObjectsApi;
let resources: FunctionResources;
let leader = true;

const where = { group: "nanofaas.io", version: "v1", namespace: NS, plural: "functions" };
const fnResource = (name: string, spec: object) => ({
  apiVersion: "nanofaas.io/v1",
  kind: "Function",
  metadata: { name },
  spec: { image: "example/echo:1", ...spec },
});
const resource = (name = "echo"): Obj => fake.get("functions", NS, name);
const condition = (name: string, type: string) => resource(name)?.status?.conditions?.find((c: Obj) => c.type === type);
const eventReasons = () => fake.list("events", NS).map((e) => `${e.type}/${e.reason}`);

beforeEach(async () => {
  leader = true;
  fake = await FakeKubeApiServer.start({ rbac: REQUIRED_RBAC });
  fake.seed("customresourcedefinitions", "", functionCrd());
  pod = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: async (req) => Response.json({ got: await req.json() }) });
  const config = loadConfig({ NANOFAAS_DEPLOYMENT_BACKEND: "k8s", NANOFAAS_K8S_NAMESPACE: NS, POD_NAMESPACE: "nf" });
  deployer = createKubernetesDeployerFromConfig(config, {
    kubeConfig: fake.kubeConfig(NS),
    resolveEndpoint: () => `http://127.0.0.1:${pod.port}`,
    log: () => undefined,
  });
  await deployer.synced;
  cp = createControlPlane(config, { version: "test", deployer });
  resources = createFunctionResources({
    transport: new KubeTransport(fake.kubeConfig(NS)),
    namespace: NS,
    log: () => undefined,
  });
  operator = new FunctionOperator({
    resources,
    functions: cp.functions,
    deployer,
    isLeader: () => leader,
    invokeUrl: (name) => `http://nanofaas.example/v1/functions/${name}:invoke`,
    log: () => undefined,
  });
  custom = fake.kubeConfig(NS).makeApiClient(CustomObjectsApi);
});
afterEach(async () => {
  await operator.stop();
  await deployer.close();
  pod.stop(true);
  await fake.close();
});

describe("the Function operator", () => {
  test("apply → registered, finalizer held, Deployment created, status reported; ready replicas → Ready", async () => {
    await operator.start();
    await custom.createNamespacedCustomObject({ ...where, body: fnResource("echo", { concurrency: 3 }) });
    await eventually(() => condition("echo", "Provisioned")?.status === "True", 5000, "Provisioned");
    expect(cp.functions.get("echo")?.concurrency).toBe(3);
    expect(resource().metadata.finalizers).toEqual([FUNCTION_FINALIZER]);
    expect(fake.get("deployments", NS, "fn-echo")?.spec.template.spec.containers[0].image).toBe("example/echo:1");
    expect(resource().status).toMatchObject({
      observedGeneration: 1,
      version: "1",
      readyReplicas: 0,
      url: "http://nanofaas.example/v1/functions/echo:invoke",
    });
    expect(condition("echo", "Ready")).toMatchObject({ status: "False", reason: "ReplicasStarting" });
    expect(condition("echo", "Degraded")).toMatchObject({ status: "False" });
    expect(eventReasons()).toEqual(["Normal/Provisioned"]);

    fake.setReadyReplicas(NS, "fn-echo", 1);
    await eventually(() => condition("echo", "Ready")?.status === "True", 5000, "Ready");
    expect(resource().status.readyReplicas).toBe(1);
    const invoked = await cp.app.request("/v1/functions/echo:invoke", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ input: { a: 1 } }),
    });
    expect(invoked.status).toBe(200);
  });

  test("an updated spec (new image) is rolled out: new generation, version and observedGeneration", async () => {
    await operator.start();
    await custom.createNamespacedCustomObject({ ...where, body: fnResource("echo", {}) });
    await eventually(() => resource().status?.version === "1", 5000, "version 1");
    const current = resource();
    await custom.replaceNamespacedCustomObject({
      ...where,
      name: "echo",
      body: { ...current, spec: { ...current.spec, image: "example/echo:2" } },
    });
    await eventually(() => resource().status?.version === "2", 5000, "version 2");
    expect(resource().status.observedGeneration).toBe(2);
    expect(cp.functions.get("echo")?.image).toBe("example/echo:2");
    expect(fake.get("deployments", NS, "fn-echo")?.spec.template.spec.containers[0].image).toBe("example/echo:2");
  });

  test("delete → the workloads go, then the finalizer, then the resource", async () => {
    await operator.start();
    await custom.createNamespacedCustomObject({ ...where, body: fnResource("echo", {}) });
    await eventually(() => condition("echo", "Provisioned")?.status === "True", 5000, "Provisioned");
    await custom.deleteNamespacedCustomObject({ ...where, name: "echo" });
    await eventually(() => resource() === undefined, 5000, "resource gone");
    expect(cp.functions.get("echo")).toBeUndefined();
    expect(fake.get("deployments", NS, "fn-echo")).toBeUndefined();
    expect(fake.get("services", NS, "fn-echo")).toBeUndefined();
  });

  test("drift repair: a hand-deleted Deployment comes back at the next resync", async () => {
    await operator.start();
    await custom.createNamespacedCustomObject({ ...where, body: fnResource("echo", {}) });
    await eventually(() => condition("echo", "Provisioned")?.status === "True", 5000, "Provisioned");
    const creates = () => fake.requests.filter((r) => r.resource === "deployments" && r.verb === "create").length;
    const before = creates();
    await fake.kubeConfig(NS).makeApiClient(AppsV1Api).deleteNamespacedDeployment({ name: "fn-echo", namespace: NS });
    // Resync until the deployer has seen the delete and the operator has put the Deployment back.
    for (let i = 0; i < 200 && creates() === before; i++) {
      await operator.resync();
      await Bun.sleep(10);
    }
    expect(creates()).toBe(before + 1);
    expect(fake.get("deployments", NS, "fn-echo")).toBeDefined();
    await eventually(() => eventReasons().includes("Normal/DriftRepaired"), 5000, "the DriftRepaired Event");
  });

  test("status writes are retried after 409 conflicts, from a fresh read", async () => {
    await operator.start();
    for (let i = 0; i < 2; i++)
      fake.failNext({ verb: "update", resource: "functions/status", code: 409, reason: "Conflict", message: "stale" });
    await custom.createNamespacedCustomObject({ ...where, body: fnResource("echo", {}) });
    await eventually(() => condition("echo", "Provisioned")?.status === "True", 5000, "Provisioned");
    const statusWrites = fake.requests.filter((r) => r.resource === "functions/status" && r.verb === "update");
    expect(statusWrites.length).toBeGreaterThanOrEqual(3);
    expect(fake.requests.some((r) => r.resource === "functions" && r.verb === "get")).toBe(true);
  });

  test("a spec the API would refuse is reported (Degraded InvalidSpec + a Warning Event), not run", async () => {
    await operator.start();
    const spec = {
      schedules: [
        { id: "a", cron: "* * * * *" },
        { id: "a", cron: "0 * * * *" },
      ],
    };
    await custom.createNamespacedCustomObject({ ...where, body: fnResource("echo", spec) });
    await eventually(() => condition("echo", "Degraded")?.status === "True", 5000, "Degraded");
    expect(condition("echo", "Degraded").reason).toBe("InvalidSpec");
    expect(condition("echo", "Degraded").message).toContain("spec.schedules");
    expect(condition("echo", "Ready")).toMatchObject({ status: "False", reason: "InvalidSpec" });
    expect(cp.functions.get("echo")).toBeUndefined();
    await eventually(() => eventReasons().length > 0, 5000, "an Event");
    expect(eventReasons()).toEqual(["Warning/InvalidSpec"]);
    await operator.resync();
    expect(eventReasons()).toEqual(["Warning/InvalidSpec"]); // one Event per failure, not per resync
  });

  test("a failed provisioning is a Warning Event and Degraded, and the resync retries it", async () => {
    await operator.start();
    fake.failNext({ verb: "create", resource: "deployments", code: 500, reason: "InternalError", message: "etcd" });
    await custom.createNamespacedCustomObject({ ...where, body: fnResource("echo", {}) });
    await eventually(() => condition("echo", "Provisioned")?.reason === "ProvisionFailed", 5000, "ProvisionFailed");
    await eventually(() => eventReasons().length > 0, 5000, "an Event");
    expect(eventReasons()).toEqual(["Warning/ProvisionFailed"]);
    await operator.resync();
    expect(condition("echo", "Provisioned")?.status).toBe("True");
    expect(condition("echo", "Degraded")?.status).toBe("False");
  });

  test("a name the API registered is not taken over (NameTaken)", async () => {
    await cp.functions.register({ name: "echo", image: "example/api:1" });
    await operator.start();
    await custom.createNamespacedCustomObject({ ...where, body: fnResource("echo", {}) });
    await eventually(() => condition("echo", "Provisioned")?.reason === "NameTaken", 5000, "NameTaken");
    expect(cp.functions.get("echo")?.image).toBe("example/api:1");
  });

  test("only the leader reconciles", async () => {
    leader = false;
    await operator.start();
    await custom.createNamespacedCustomObject({ ...where, body: fnResource("echo", {}) });
    await eventually(() => resources.cached("echo"), 5000, "the watch to see the resource");
    await operator.resync();
    expect(cp.functions.get("echo")).toBeUndefined();
    expect(resource().metadata.finalizers).toBeUndefined();
    leader = true;
    await operator.resync();
    expect(cp.functions.get("echo")).toBeDefined();
  });

  test("resources that exist before the start are reconciled by the first list", async () => {
    fake.seed("functions", NS, fnResource("echo", {}));
    await operator.start();
    expect(cp.functions.get("echo")).toBeDefined();
    expect(condition("echo", "Provisioned")?.status).toBe("True");
  });
});

describe("NANOFAAS_CRD_MODE=mirror", () => {
  const mirrored = async () => {
    const mirror = new FunctionMirror({
      resources,
      owns: operator.owns,
      list: () => cp.functions.list(),
      log: () => undefined,
    });
    cp.functions.addListener(mirror);
    await operator.start();
    return mirror;
  };

  test("an API registration is written as an annotated resource whose status the operator keeps", async () => {
    await mirrored();
    await cp.functions.register({ name: "echo", image: "example/api:1", concurrency: 2 });
    await eventually(() => condition("echo", "Provisioned")?.status === "True", 5000, "mirror status");
    expect(resource().metadata.annotations).toEqual({ [SOURCE_ANNOTATION]: "api" });
    expect(resource().spec).toMatchObject({ image: "example/api:1", concurrency: 2, executionMode: "DEPLOYMENT" });
    expect(resource().metadata.finalizers).toBeUndefined();
    await cp.functions.remove("echo");
    await eventually(() => resource() === undefined, 5000, "mirror removed");
  });

  test("the mirror carries the resilience, cron and chain fields, accepted by the CRD's schema", async () => {
    await mirrored();
    await cp.functions.register({
      name: "echo",
      image: "example/api:1",
      retryOn: ["timeout", "429"],
      circuitBreaker: { failureThreshold: 9 },
      schedules: [{ id: "nightly", cron: "0 3 * * *", input: { full: true } }],
      chain: { next: "after-echo" },
    });
    await eventually(() => condition("echo", "Provisioned")?.status === "True", 5000, "mirror status");
    const spec = resource().spec;
    expect(spec.retryOn).toEqual(["timeout", "429"]);
    expect(spec.circuitBreaker).toMatchObject({ failureThreshold: 9 });
    expect(spec.schedules).toEqual([
      { id: "nightly", cron: "0 3 * * *", timezone: "UTC", input: { full: true }, enabled: true, overlap: "skip" },
    ]);
    expect(spec.chain).toEqual({ next: "after-echo", passOutput: true, onError: "stop" });
  });

  test("an API update (PUT) rewrites the mirror's spec in place, and a rollback writes it back", async () => {
    await mirrored();
    await cp.functions.register({ name: "echo", image: "example/api:1", concurrency: 2 });
    await eventually(() => resource()?.spec?.concurrency === 2, 5000, "mirror written");
    const uid = resource().metadata.uid;
    await cp.functions.update({ name: "echo", image: "example/api:2", concurrency: 3 });
    await eventually(() => resource()?.spec?.image === "example/api:2", 5000, "mirror updated");
    expect(resource().spec.concurrency).toBe(3);
    expect(resource().metadata.uid).toBe(uid); // the same object, not deleted and recreated
    await cp.functions.rollback("echo");
    await eventually(() => resource()?.spec?.image === "example/api:1", 5000, "mirror rolled back");
    expect(resource().metadata.uid).toBe(uid);
  });

  test("the resync writes missing mirrors and removes stale ones; resource-born functions are not mirrored", async () => {
    const mirror = await mirrored();
    await custom.createNamespacedCustomObject({ ...where, body: fnResource("owned", {}) });
    await eventually(() => cp.functions.get("owned"), 5000, "owned registered");
    await cp.functions.register({ name: "api-fn", image: "example/api:1" });
    await eventually(() => resources.cached("api-fn"), 5000, "mirror seen");
    await custom.deleteNamespacedCustomObject({ ...where, name: "api-fn" });
    fake.seed("functions", NS, {
      ...fnResource("stale", {}),
      metadata: { name: "stale", annotations: { [SOURCE_ANNOTATION]: "api" } },
    });
    await eventually(() => !resources.cached("api-fn") && resources.cached("stale"), 5000, "watch to catch up");
    await mirror.resync();
    expect(resource("api-fn")?.metadata.annotations).toEqual({ [SOURCE_ANNOTATION]: "api" });
    expect(resource("stale")).toBeUndefined();
    expect(resource("owned").metadata.annotations).toBeUndefined();
  });

  test("the resync rewrites a mirror whose spec is not the function's (an older, shorter mirror), and only then", async () => {
    const mirror = await mirrored();
    await cp.functions.register({ name: "echo", image: "example/api:1", retryOn: ["5xx"] });
    await eventually(() => resource()?.spec?.retryOn, 5000, "mirror written");
    const full = resource().spec;
    const { retryOn: _, ...older } = full;
    await custom.replaceNamespacedCustomObject({ ...where, name: "echo", body: { ...resource(), spec: older } });
    await eventually(() => resources.cached("echo")?.spec?.retryOn === undefined, 5000, "watch to catch up");
    await mirror.resync();
    expect(resource().spec).toEqual(full);
    await eventually(() => resources.cached("echo")?.spec?.retryOn !== undefined, 5000, "watch to catch up");
    const version = resource().metadata.resourceVersion;
    await mirror.resync();
    expect(resource().metadata.resourceVersion).toBe(version); // an up-to-date mirror is not written
  });
});
