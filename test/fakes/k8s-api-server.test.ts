/**
 * The fake API server, driven by the unmodified `@kubernetes/client-node` (its own undici
 * transport and Watch), so the integration tests can trust what it answers.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from "@kubernetes/client-node";
import { eventually, FakeKubeApiServer } from "./k8s-api-server";

const ns = "fns";
const deployment = (name: string, replicas = 1) => ({
  metadata: { name, labels: { app: "nanofaas", function: name } },
  spec: {
    replicas,
    selector: { matchLabels: { function: name } },
    template: {
      metadata: { labels: { function: name } },
      spec: { containers: [{ name: "function", image: "img:1", env: [{ name: "A", value: "1" }] }] },
    },
  },
});

let fake: FakeKubeApiServer;
let apps: AppsV1Api;
beforeEach(async () => {
  fake = await FakeKubeApiServer.start();
  apps = fake.kubeConfig(ns).makeApiClient(AppsV1Api);
});
afterEach(() => fake.close());

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 0,
    (e) => (e instanceof ApiException ? e.code : -1),
  );

describe("fake Kubernetes API server", () => {
  test("create, get, list with a label selector, delete", async () => {
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment("fn-a") });
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: { ...deployment("fn-b"), metadata: { name: "fn-b", labels: { other: "x" } } },
    });
    const got = await apps.readNamespacedDeployment({ name: "fn-a", namespace: ns });
    expect(got.metadata?.uid).toBeString();
    expect(got.metadata?.resourceVersion).toBeString();
    const listed = await apps.listNamespacedDeployment({ namespace: ns, labelSelector: "function=fn-a" });
    expect(listed.items.map((d) => d.metadata?.name)).toEqual(["fn-a"]);
    await apps.deleteNamespacedDeployment({ name: "fn-a", namespace: ns });
    expect(await codeOf(apps.readNamespacedDeployment({ name: "fn-a", namespace: ns }))).toBe(404);
  });

  test("409 on a second create, 422 on an invalid name", async () => {
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment("fn-a") });
    expect(await codeOf(apps.createNamespacedDeployment({ namespace: ns, body: deployment("fn-a") }))).toBe(409);
    expect(await codeOf(apps.createNamespacedDeployment({ namespace: ns, body: deployment("Bad_Name") }))).toBe(422);
  });

  test("merge, strategic and JSON patches as the client sends them", async () => {
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment("fn-a") });
    const patch = (body: object, type?: string) =>
      apps.patchNamespacedDeployment(
        { name: "fn-a", namespace: ns, body },
        type ? setHeaderOptions("Content-Type", type) : undefined,
      );
    await patch({ spec: { replicas: 3 } }, PatchStrategy.MergePatch);
    expect(fake.get("deployments", ns, "fn-a").spec.replicas).toBe(3);
    await patch(
      { spec: { template: { spec: { containers: [{ name: "function", image: "img:2" }] } } } },
      PatchStrategy.StrategicMergePatch,
    );
    const container = fake.get("deployments", ns, "fn-a").spec.template.spec.containers[0];
    expect(container).toEqual({ name: "function", image: "img:2", env: [{ name: "A", value: "1" }] });
    await patch([{ op: "replace", path: "/spec/replicas", value: 5 }]); // the client's default: JSON Patch
    const stored = fake.get("deployments", ns, "fn-a");
    expect(stored.spec.replicas).toBe(5);
    expect(stored.metadata.generation).toBe(4);
  });

  test("scale subresource reads and writes spec.replicas", async () => {
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment("fn-a", 2) });
    const scale = await apps.readNamespacedDeploymentScale({ name: "fn-a", namespace: ns });
    expect(scale.spec?.replicas).toBe(2);
    expect(scale.status?.selector).toBe("function=fn-a");
    await apps.patchNamespacedDeploymentScale(
      { name: "fn-a", namespace: ns, body: { spec: { replicas: 0 } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(fake.get("deployments", ns, "fn-a").spec.replicas).toBe(0);
  });

  test("watch streams events after a resourceVersion, including test-driven status", async () => {
    const created = await apps.createNamespacedDeployment({ namespace: ns, body: deployment("fn-a") });
    const events: string[] = [];
    const watch = new Watch(fake.kubeConfig(ns));
    const controller = await watch.watch(
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      { resourceVersion: created.metadata?.resourceVersion },
      (type, obj) => {
        events.push(`${type}:${obj.status?.readyReplicas ?? 0}`);
      },
      () => undefined,
    );
    fake.setReadyReplicas(ns, "fn-a", 2);
    fake.setReadyReplicas(ns, "fn-a", 0);
    await eventually(() => events.length === 2, 2000, "two watch events");
    expect(events).toEqual(["MODIFIED:2", "MODIFIED:0"]);
    controller.abort();
  });

  test("RBAC rules are enforced with the API server's 403 Status", async () => {
    fake.rbac = [{ apiGroup: "apps", resource: "deployments", verbs: ["create"] }];
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment("fn-a") });
    const error = await apps.deleteNamespacedDeployment({ name: "fn-a", namespace: ns }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiException);
    expect(error.code).toBe(403);
    expect(JSON.parse(error.body)).toMatchObject({ kind: "Status", reason: "Forbidden", code: 403 });
    expect(JSON.parse(error.body).message).toContain('cannot delete resource "deployments" in API group "apps"');
  });

  test("a wrong token is 401; injected failures answer once", async () => {
    const wrong = fake.kubeConfig(ns);
    wrong.users[0] = { name: "sa", token: "nope" };
    expect(await codeOf(wrong.makeApiClient(CoreV1Api).readNamespacedService({ name: "x", namespace: ns }))).toBe(401);
    fake.failNext({
      verb: "create",
      resource: "jobs",
      code: 500,
      reason: "InternalError",
      message: "etcd unavailable",
    });
    const batch = fake.kubeConfig(ns).makeApiClient(BatchV1Api);
    const job = {
      metadata: { name: "j" },
      spec: { template: { spec: { containers: [{ name: "c", image: "i" }], restartPolicy: "Never" } } },
    };
    expect(await codeOf(batch.createNamespacedJob({ namespace: ns, body: job }))).toBe(500);
    expect(await codeOf(batch.createNamespacedJob({ namespace: ns, body: job }))).toBe(0);
    fake.setJobStatus(ns, "j", { failed: 1 });
    expect(fake.get("jobs", ns, "j").status).toEqual({ failed: 1 });
  });
});
