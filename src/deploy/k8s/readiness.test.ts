/**
 * The readiness reflector against the fake API server: initial list, watch events, deletion,
 * reconnection after the server ends a watch (nothing missed), relist after 410 Expired.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { AppsV1Api } from "@kubernetes/client-node";
import { eventually, FakeKubeApiServer } from "../../../test/fakes/k8s-api-server";
import { DeploymentReadiness } from "./readiness";
import { KubeTransport } from "./transport";

const NS = "fns";
let fake: FakeKubeApiServer;
let readiness: DeploymentReadiness;
let changes: string[];

const seed = (name: string, replicas = 1) =>
  fake.seed("deployments", NS, {
    metadata: { name: `fn-${name}`, labels: { "nanofaas.io/function": name } },
    spec: { replicas, selector: { matchLabels: { function: name } }, template: { spec: { containers: [] } } },
  });

beforeEach(async () => {
  fake = await FakeKubeApiServer.start();
  changes = [];
});
afterEach(async () => {
  await readiness.stop();
  await fake.close();
});

function start(): DeploymentReadiness {
  readiness = new DeploymentReadiness({
    transport: new KubeTransport(fake.kubeConfig(NS)),
    namespace: NS,
    log: () => undefined,
    onChange: (name, ready) => changes.push(`${name}=${ready}`),
  });
  readiness.start();
  return readiness;
}

test("the first list reports existing Deployments; watch events follow; deletion forgets", async () => {
  seed("a", 3);
  fake.setReadyReplicas(NS, "fn-a", 2);
  seed("other"); // no readiness yet
  fake.seed("deployments", NS, { metadata: { name: "unrelated" }, spec: { replicas: 1, template: {} } }); // not ours: no label
  start();
  await readiness.synced;
  expect(readiness.get("a")).toBe(2);
  expect(readiness.requestedReplicas("a")).toBe(3);
  expect(readiness.requestedReplicas("unrelated")).toBeUndefined();
  fake.setReadyReplicas(NS, "fn-other", 1);
  await eventually(() => readiness.get("other") === 1, 2000, "fn-other ready");
  fake.setReadyReplicas(NS, "fn-a", 0);
  await eventually(() => readiness.get("a") === 0, 2000, "fn-a unready");
  await fake.kubeConfig(NS).makeApiClient(AppsV1Api).deleteNamespacedDeployment({ name: "fn-other", namespace: NS });
  await eventually(() => readiness.requestedReplicas("other") === undefined, 2000, "fn-other forgotten");
  expect(changes).toEqual(["a=2", "other=1", "a=0", "other=0"]);
});

test("a watch the server ends is resumed from the last resourceVersion: nothing is missed", async () => {
  seed("a");
  start();
  await readiness.synced;
  await Bun.sleep(20);
  fake.dropWatches();
  fake.setReadyReplicas(NS, "fn-a", 1); // while no watch is open
  await eventually(() => readiness.get("a") === 1, 2000, "the change made between watches");
});

test("410 Expired after compaction makes it list again", async () => {
  seed("a");
  start();
  await readiness.synced;
  await Bun.sleep(20);
  fake.dropWatches();
  fake.setReadyReplicas(NS, "fn-a", 2); // missed by the closed watch…
  fake.compact(); // …and gone from history: the resumed watch gets ERROR 410, so it relists
  await eventually(() => readiness.get("a") === 2, 3000, "the relist");
  expect(fake.requests.filter((r) => r.verb === "list").length).toBe(2);
});
