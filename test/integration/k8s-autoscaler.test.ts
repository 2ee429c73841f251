/**
 * The internal autoscaler against the k8s backend: scale from zero on the first invocation (the
 * call waits in the queue until the watch reports a ready pod) and scaling decisions over time
 * with an injected clock, through the real control plane, client and fake API server.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { loadConfig } from "../../src/config/config";
import { type ControlPlane, createControlPlane } from "../../src/control-plane";
import type { KubernetesDeployer } from "../../src/deploy/k8s/deployer";
import { createKubernetesDeployerFromConfig } from "../../src/deploy/k8s/from-config";
import { REQUIRED_RBAC } from "../../src/deploy/k8s/rbac";
import { type Autoscaler, createAutoscaler } from "../../src/scaling/autoscaler";
import { eventually, FakeKubeApiServer } from "../fakes/k8s-api-server";

const NS = "fns";
let fake: FakeKubeApiServer;
let pod: ReturnType<typeof Bun.serve>;
let deployer: KubernetesDeployer;
let autoscaler: Autoscaler;
let cp: ControlPlane;
let clock = 0;
let podRequests = 0;
/** Replica counts the autoscaler has finished asking for (its scale calls answered). */
let scaled: number[] = [];

beforeEach(async () => {
  fake = await FakeKubeApiServer.start({ rbac: REQUIRED_RBAC });
  podRequests = 0;
  pod = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (req) => {
      podRequests++;
      return Response.json((await req.json()).input);
    },
  });
  // Queued calls may wait for a cold start: the sync queue's expiry must allow it.
  const config = loadConfig({
    NANOFAAS_DEPLOYMENT_BACKEND: "k8s",
    NANOFAAS_K8S_NAMESPACE: NS,
    SYNC_QUEUE_MAX_QUEUE_WAIT: "10s",
  });
  deployer = createKubernetesDeployerFromConfig(config, {
    kubeConfig: fake.kubeConfig(NS),
    resolveEndpoint: () => `http://127.0.0.1:${pod.port}/invoke`,
    log: () => undefined,
  });
  clock = 1_000_000;
  scaled = [];
  autoscaler = createAutoscaler({
    replicas: deployer,
    defaultTargetInFlightPerPod: config.defaultTargetInFlightPerPod,
    now: () => clock,
    log: (event, fields) => {
      if (event === "autoscaler_scaled") scaled.push(fields.replicas as number);
    },
  });
  cp = createControlPlane(config, { version: "test", deployer, observer: autoscaler.observer });
  await deployer.synced;
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
const register = (scalingConfig: object) =>
  send("POST", "/v1/functions", { name: "thumb", image: "example/thumb:1", scalingConfig });
const specReplicas = () => fake.get("deployments", NS, "fn-thumb").spec.replicas as number;
const scaleCalls = () =>
  fake.requests
    .filter((r) => r.resource === "deployments/scale")
    .map((r) => (r.body as { spec: { replicas: number } }).spec.replicas);

test("scale from zero: the first invocations ask for one replica once and run when it is ready", async () => {
  expect((await register({ minReplicas: 0, maxReplicas: 3 })).status).toBe(201);
  expect(specReplicas()).toBe(0);
  const calls = [1, 2, 3, 4, 5].map((n) => send("POST", "/v1/functions/thumb:invoke", { input: n }));
  await eventually(() => specReplicas() === 1, 3000, "a scale-up to one replica");
  await Bun.sleep(50);
  expect(podRequests).toBe(0); // still queued: nothing is ready
  fake.setReadyReplicas(NS, "fn-thumb", 1);
  const outcomes = await Promise.all(calls.map(async (call) => (await call).json()));
  expect(outcomes.map((o) => [o.status, o.output])).toEqual([1, 2, 3, 4, 5].map((n) => ["success", n]));
  expect(scaleCalls()).toEqual([1]); // a herd of first calls, one scale request
});

test("autoscaler over time: queue_depth up (after the cooldown), STATIC_PER_POD concurrency, idle back to zero", async () => {
  await register({
    minReplicas: 0,
    maxReplicas: 5,
    metrics: [{ type: "queue_depth", target: "2" }],
    concurrencyControl: { mode: "STATIC_PER_POD", targetInFlightPerPod: 1 },
  });
  const queue = cp.engine.queueStats().get("thumb")!;
  const accepted = [];
  for (let n = 0; n < 6; n++)
    accepted.push((await (await send("POST", "/v1/functions/thumb:enqueue", { input: n })).json()).executionId);
  await eventually(() => scaled.length === 1, 3000, "scale from zero on the first enqueue");
  expect(specReplicas()).toBe(1);

  await autoscaler.tick(cp.engine); // 6 queued, target 2 → ratio 3, but scaled up 0 s ago
  expect(scaleCalls()).toEqual([1]);
  expect(queue.limit).toBe(1); // one replica × 1 in flight per pod

  clock += 30_000;
  await autoscaler.tick(cp.engine); // cooldown over: ceil(3 × 1) = 3
  expect(scaleCalls()).toEqual([1, 3]);
  expect(specReplicas()).toBe(3);
  expect(queue.limit).toBe(3);

  fake.setReadyReplicas(NS, "fn-thumb", 3);
  await eventually(() => queue.async.size === 0 && queue.inFlight === 0, 3000, "the queue to drain");
  const statuses = await Promise.all(
    accepted.map(async (id) => (await (await send("GET", `/v1/executions/${id}`)).json()).status),
  );
  expect(statuses).toEqual(Array(6).fill("success"));

  clock += 5_000;
  await autoscaler.tick(cp.engine); // idle with minReplicas 0 → zero
  expect(scaleCalls()).toEqual([1, 3, 0]);
  expect(specReplicas()).toBe(0);
});
