/**
 * Custom resources in the fake API server, driven by the unmodified `@kubernetes/client-node`
 * (ApiextensionsV1Api, CustomObjectsApi, CoreV1Api, Watch): what the operator tests rely on.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import {
  ApiException,
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from "@kubernetes/client-node";
import { eventually, FakeKubeApiServer } from "./k8s-api-server";

const ns = "fns";
const group = "example.com";
const crd = (status = true) => ({
  metadata: { name: `widgets.${group}` },
  spec: {
    group,
    scope: "Namespaced",
    names: { plural: "widgets", singular: "widget", kind: "Widget" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        ...(status ? { subresources: { status: {} } } : {}),
      },
    ],
  },
});
const widget = (name: string, size = 1) => ({
  apiVersion: `${group}/v1`,
  kind: "Widget",
  metadata: { name },
  spec: { size },
  status: { ignored: true },
});
// biome-ignore lint/suspicious/noExplicitAny: custom objects are untyped in the client.
type Obj = any;

let fake: FakeKubeApiServer;
let ext: ApiextensionsV1Api;
let custom: CustomObjectsApi;
beforeEach(async () => {
  fake = await FakeKubeApiServer.start();
  ext = fake.kubeConfig(ns).makeApiClient(ApiextensionsV1Api);
  custom = fake.kubeConfig(ns).makeApiClient(CustomObjectsApi);
});
afterEach(() => fake.close());

const where = { group, version: "v1", namespace: ns, plural: "widgets" };
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 0,
    (e) => (e instanceof ApiException ? e.code : -1),
  );

describe("custom resources in the fake API server", () => {
  test("a kind is served under its group only once its CRD is posted, and no longer once deleted", async () => {
    expect(await codeOf(custom.listNamespacedCustomObject(where))).toBe(404);
    const created = await ext.createCustomResourceDefinition({ body: crd() });
    expect(created.status?.conditions?.find((c) => c.type === "Established")?.status).toBe("True");
    await custom.createNamespacedCustomObject({ ...where, body: widget("w-1") });
    const listed: Obj = await custom.listNamespacedCustomObject(where);
    expect(listed.items.map((w: Obj) => w.metadata.name)).toEqual(["w-1"]);
    expect(listed.items[0].status).toEqual({});
    await ext.deleteCustomResourceDefinition({ name: `widgets.${group}` });
    expect(await codeOf(custom.listNamespacedCustomObject(where))).toBe(404);
  });

  test("an invalid CRD is refused with 422", async () => {
    const bad = crd();
    bad.metadata.name = "wrong.example.com";
    expect(await codeOf(ext.createCustomResourceDefinition({ body: bad }))).toBe(422);
  });

  test("the status subresource owns status; generation moves with spec only", async () => {
    await ext.createCustomResourceDefinition({ body: crd() });
    const w: Obj = await custom.createNamespacedCustomObject({ ...where, body: widget("w-1") });
    const updated: Obj = await custom.replaceNamespacedCustomObject({
      ...where,
      name: "w-1",
      body: { ...w, spec: { size: 2 }, status: { phase: "hacked" } },
    });
    expect([updated.metadata.generation, updated.status]).toEqual([2, {}]);
    const withStatus: Obj = await custom.replaceNamespacedCustomObjectStatus({
      ...where,
      name: "w-1",
      body: { ...updated, spec: { size: 99 }, status: { phase: "Ready" } },
    });
    expect([withStatus.metadata.generation, withStatus.spec.size, withStatus.status.phase]).toEqual([2, 2, "Ready"]);
    const patched: Obj = await custom.patchNamespacedCustomObjectStatus(
      { ...where, name: "w-1", body: { status: { phase: "Done" } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect([patched.status.phase, patched.metadata.generation]).toEqual(["Done", 2]);
    expect(await codeOf(custom.getNamespacedCustomObjectStatus({ ...where, name: "nope" }))).toBe(404);
  });

  test("without the status subresource, /status is not served", async () => {
    await ext.createCustomResourceDefinition({ body: crd(false) });
    await custom.createNamespacedCustomObject({ ...where, body: widget("w-1") });
    expect(await codeOf(custom.getNamespacedCustomObjectStatus({ ...where, name: "w-1" }))).toBe(404);
  });

  test("a write naming a stale resourceVersion is a 409 Conflict", async () => {
    await ext.createCustomResourceDefinition({ body: crd() });
    const first: Obj = await custom.createNamespacedCustomObject({ ...where, body: widget("w-1") });
    await custom.replaceNamespacedCustomObject({ ...where, name: "w-1", body: { ...first, spec: { size: 2 } } });
    const stale = { ...first, spec: { size: 3 } };
    expect(await codeOf(custom.replaceNamespacedCustomObject({ ...where, name: "w-1", body: stale }))).toBe(409);
    expect(await codeOf(custom.replaceNamespacedCustomObjectStatus({ ...where, name: "w-1", body: stale }))).toBe(409);
    const current: Obj = await custom.getNamespacedCustomObject({ ...where, name: "w-1" });
    expect(current.spec.size).toBe(2);
  });

  test("a delete waits for finalizers: the object is marked, then goes when the last one is removed", async () => {
    await ext.createCustomResourceDefinition({ body: crd() });
    const events: string[] = [];
    const body = { ...widget("w-1"), metadata: { name: "w-1", finalizers: ["example.com/cleanup"] } };
    await custom.createNamespacedCustomObject({ ...where, body });
    const watch = await new Watch(fake.kubeConfig(ns)).watch(
      `/apis/${group}/v1/namespaces/${ns}/widgets`,
      {},
      (type) => events.push(type),
      () => undefined,
    );
    await custom.deleteNamespacedCustomObject({ ...where, name: "w-1" });
    const marked: Obj = await custom.getNamespacedCustomObject({ ...where, name: "w-1" });
    expect(marked.metadata.deletionTimestamp).toBeString();
    await custom.replaceNamespacedCustomObject({
      ...where,
      name: "w-1",
      body: { ...marked, metadata: { ...marked.metadata, finalizers: [] } },
    });
    expect(await codeOf(custom.getNamespacedCustomObject({ ...where, name: "w-1" }))).toBe(404);
    await eventually(() => events.includes("DELETED"), 3000, "DELETED event");
    expect(events).toEqual(["ADDED", "MODIFIED", "DELETED"]);
    watch.abort();
  });

  test("events are created with generateName", async () => {
    const core = fake.kubeConfig(ns).makeApiClient(CoreV1Api);
    const event = await core.createNamespacedEvent({
      namespace: ns,
      body: { metadata: { generateName: "w-1." }, involvedObject: { kind: "Widget", name: "w-1" }, reason: "Failed" },
    });
    expect(event.metadata?.name).toMatch(/^w-1\.[a-z0-9]{5}$/);
    expect(fake.list("events", ns).map((e) => e.reason)).toEqual(["Failed"]);
  });
});
