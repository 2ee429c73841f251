/**
 * The Workflow operator through the real `@kubernetes/client-node` against the fake API server
 * (the control plane's RBAC enforced): Workflow resources applied, changed and deleted as
 * `kubectl` would, reconciled into a real control plane's workflow service, and run.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { CustomObjectsApi } from "@kubernetes/client-node";
import { eventually, FakeKubeApiServer } from "../../test/fakes/k8s-api-server";
import { loadConfig } from "../config/config";
import { type ControlPlane, createControlPlane } from "../control-plane";
import type { KubernetesDeployer } from "../deploy/k8s/deployer";
import { createKubernetesDeployerFromConfig } from "../deploy/k8s/from-config";
import { createCustomResources } from "../deploy/k8s/function-resources";
import { REQUIRED_RBAC } from "../deploy/k8s/rbac";
import { KubeTransport } from "../deploy/k8s/transport";
import { CLEANUP_FINALIZER } from "./resource-writes";
import { WORKFLOW_KIND, WORKFLOW_PLURAL, workflowCrd } from "./workflow-crd";
import { WorkflowOperator } from "./workflow-operator";

const NS = "wfs";
// biome-ignore lint/suspicious/noExplicitAny: custom objects are untyped in the client.
type Obj = any;
let fake: FakeKubeApiServer;
let deployer: KubernetesDeployer;
let cp: ControlPlane;
let operator: WorkflowOperator;
let custom: CustomObjectsApi;
let leader = true;

const KUBECTL_RULE = { apiGroup: "nanofaas.io", resource: "workflows", verbs: ["create", "delete"] };
const where = { group: "nanofaas.io", version: "v1", namespace: NS, plural: WORKFLOW_PLURAL };
const twoSteps = {
  steps: [
    { id: "first", function: "echo", input: { n: "$.input.n" } },
    { id: "second", function: "echo", dependsOn: ["first"] },
  ],
  output: { result: "$.steps.second.output" },
};
const resource = (name = "pipeline"): Obj => fake.get(WORKFLOW_PLURAL, NS, name);
const condition = (type: string, name = "pipeline") =>
  resource(name)?.status?.conditions?.find((c: Obj) => c.type === type);
const eventReasons = () => fake.list("events", NS).map((e) => `${e.type}/${e.reason}`);
const apply = (name: string, spec: object) =>
  custom.createNamespacedCustomObject({
    ...where,
    body: { apiVersion: "nanofaas.io/v1", kind: WORKFLOW_KIND, metadata: { name }, spec },
  });
async function change(name: string, spec: object) {
  const current = (await custom.getNamespacedCustomObject({ ...where, name })) as Obj;
  await custom.replaceNamespacedCustomObject({ ...where, name, body: { ...current, spec } });
}
/** A fresh operator (a restarted control plane's) on its own client and watch. */
const newOperator = () =>
  new WorkflowOperator({
    resources: createCustomResources({
      transport: new KubeTransport(fake.kubeConfig(NS)),
      namespace: NS,
      log: () => undefined,
      plural: WORKFLOW_PLURAL,
      kind: WORKFLOW_KIND,
    }),
    workflows: cp.workflows,
    isLeader: () => leader,
    runUrl: (name) => `http://nanofaas.example/v1/workflows/${name}:run`,
    log: () => undefined,
  });
const defined = async (name: string) => cp.workflows.get(name).catch(() => undefined);

beforeEach(async () => {
  leader = true;
  // The test plays kubectl with the control plane's token, so that token also may create and delete
  // Workflows (the operator itself never does); every other rule is exactly the code's.
  fake = await FakeKubeApiServer.start({ rbac: [...REQUIRED_RBAC, KUBECTL_RULE] });
  fake.seed("customresourcedefinitions", "", workflowCrd());
  const config = loadConfig({ NANOFAAS_DEPLOYMENT_BACKEND: "k8s", NANOFAAS_K8S_NAMESPACE: NS, POD_NAMESPACE: "nf" });
  deployer = createKubernetesDeployerFromConfig(config, { kubeConfig: fake.kubeConfig(NS), log: () => undefined });
  await deployer.synced;
  cp = createControlPlane(config, { version: "test", deployer });
  await cp.functions.register({ name: "echo", executionMode: "LOCAL" });
  operator = newOperator();
  custom = fake.kubeConfig(NS).makeApiClient(CustomObjectsApi);
});
afterEach(async () => {
  await operator.stop();
  await deployer.close();
  await fake.close();
});

describe("the Workflow operator", () => {
  test("apply → defined and runnable, finalizer held, status Ready with version, generation and url", async () => {
    await operator.start();
    await apply("pipeline", twoSteps);
    await eventually(() => condition("Ready")?.status === "True", 3000, "Ready");
    expect(resource().metadata.finalizers).toEqual([CLEANUP_FINALIZER]);
    expect(resource().status).toMatchObject({
      observedGeneration: 1,
      version: 1,
      url: "http://nanofaas.example/v1/workflows/pipeline:run",
    });
    expect(condition("Degraded")).toMatchObject({ status: "False", reason: "AsExpected" });
    const view = await cp.workflows.get("pipeline");
    expect(view.steps.map((s) => s.id)).toEqual(["first", "second"]);
    const run = await cp.workflows.invoke("pipeline", { n: 7 });
    expect(run.status).toBe("success");
    expect(run.output).toEqual({ result: { n: 7 } });
    expect(eventReasons()).toContain("Normal/Defined");
  });

  test("a changed spec becomes the next version; resyncs of an unchanged one do not bump it", async () => {
    await operator.start();
    await apply("pipeline", twoSteps);
    await eventually(() => resource().status?.version === 1, 3000, "version 1");
    await operator.resync();
    await operator.resync();
    expect((await cp.workflows.get("pipeline")).version).toBe(1);
    await change("pipeline", { ...twoSteps, onFailure: "continue" });
    await eventually(() => resource().status?.observedGeneration === 2, 3000, "generation 2");
    const view = await cp.workflows.get("pipeline");
    expect([view.version, view.onFailure]).toEqual([2, "continue"]);
    expect(resource().status.version).toBe(2);
  });

  test("a spec the API would refuse is reported, not defined; an earlier version keeps serving (Degraded)", async () => {
    await operator.start();
    await apply("pipeline", twoSteps);
    await eventually(() => resource().status?.version === 1, 3000, "version 1");
    // Shape (zod): a step id may not start with a digit.
    await change("pipeline", { steps: [{ id: "1bad", function: "echo" }] });
    await eventually(() => condition("Ready")?.reason === "InvalidSpec", 3000, "InvalidSpec");
    expect(condition("Ready")).toMatchObject({ status: "False" });
    expect(condition("Ready").message).toContain("spec.steps.0.id");
    expect(condition("Degraded")).toMatchObject({ status: "True", reason: "EarlierVersionServes" });
    expect((await cp.workflows.get("pipeline")).steps).toHaveLength(2);
    // Graph (the API's own rules): a cycle, named in the message.
    await change("pipeline", {
      steps: [
        { id: "a", function: "echo", dependsOn: ["b"] },
        { id: "b", function: "echo", dependsOn: ["a"] },
      ],
    });
    await eventually(() => condition("Ready")?.message?.includes("cycle"), 3000, "cycle reported");
    expect((await cp.workflows.get("pipeline")).version).toBe(1);
    expect(eventReasons().filter((r) => r === "Warning/InvalidSpec").length).toBeGreaterThanOrEqual(1);
  });

  test("a step naming a function not registered yet is retried when it appears", async () => {
    await operator.start();
    await apply("later", { steps: [{ id: "only", function: "resize" }] });
    await eventually(() => condition("Ready", "later")?.reason === "InvalidSpec", 3000, "InvalidSpec");
    expect(condition("Ready", "later").message).toContain("resize");
    expect(await defined("later")).toBeUndefined();
    await cp.functions.register({ name: "resize", executionMode: "LOCAL" });
    await operator.retryFailed();
    expect(condition("Ready", "later")).toMatchObject({ status: "True", reason: "Defined" });
    expect((await cp.workflows.get("later")).version).toBe(1);
  });

  test("kubectl delete → the workflow is deleted, then the finalizer released and the resource gone", async () => {
    await operator.start();
    await apply("pipeline", twoSteps);
    await eventually(() => resource().status?.version === 1, 3000, "defined");
    await custom.deleteNamespacedCustomObject({ ...where, name: "pipeline" });
    await eventually(() => resource() === undefined, 3000, "resource gone");
    expect(await defined("pipeline")).toBeUndefined();
  });

  test("a resource deleted while the control plane was down is cleaned up at start (the finalizer held it)", async () => {
    await operator.start();
    await apply("pipeline", twoSteps);
    await eventually(() => resource().status?.version === 1, 3000, "defined");
    await operator.stop();
    await custom.deleteNamespacedCustomObject({ ...where, name: "pipeline" });
    expect(resource().metadata.deletionTimestamp).toBeString();
    expect(await defined("pipeline")).toBeDefined();
    operator = newOperator();
    await operator.start();
    await eventually(() => resource() === undefined, 3000, "resource gone");
    expect(await defined("pipeline")).toBeUndefined();
  });

  test("a follower reconciles nothing", async () => {
    leader = false;
    await operator.start();
    await apply("pipeline", twoSteps);
    await operator.resync();
    await Bun.sleep(100);
    expect(await defined("pipeline")).toBeUndefined();
    expect(resource().metadata.finalizers).toBeUndefined();
  });
});

describe("NANOFAAS_CRD_MODE=source and workflows", () => {
  test("the API reads and runs workflows but refuses to define, replace or delete them (403, pointing at kubectl)", async () => {
    const source = createControlPlane(loadConfig({ NANOFAAS_CRD_MODE: "source", NANOFAAS_DEPLOYMENT_BACKEND: "k8s" }), {
      version: "test",
    });
    await source.functions.register({ name: "echo", executionMode: "LOCAL" }, "resource");
    await source.workflows.create({ name: "pipeline", ...twoSteps } as never);
    const json = (method: string, body: unknown) => ({
      method,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const created = await source.app.request("/v1/workflows", json("POST", { name: "other", ...twoSteps }));
    expect(created.status).toBe(403);
    const body = (await created.json()) as { error: string; message: string; details: string[] };
    expect(body.error).toBe("FORBIDDEN");
    expect(body.details).toContain("kubectl apply -f workflow.yaml");
    expect(
      (await source.app.request("/v1/workflows/pipeline", json("PUT", { name: "pipeline", ...twoSteps }))).status,
    ).toBe(403);
    expect((await source.app.request("/v1/workflows/pipeline", { method: "DELETE" })).status).toBe(403);
    expect((await source.app.request("/v1/workflows/pipeline")).status).toBe(200);
    const invoked = await source.app.request("/v1/workflows/pipeline:invoke", json("POST", { input: { n: 1 } }));
    expect(invoked.status).toBe(200);
    expect(((await invoked.json()) as { status: string }).status).toBe("success");
    expect((await source.workflows.get("pipeline")).version).toBe(1);
    await expect(source.workflows.get("other")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
