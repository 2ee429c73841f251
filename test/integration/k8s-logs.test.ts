/**
 * Function logs on the k8s backend (issue 24): the real control plane and the real Kubernetes
 * client against the fake API server, RBAC enforced. The function's pods are listed by label,
 * each pod's `pods/log` is read (merged in time order, filtered) or followed (Server-Sent Events:
 * new lines of every pod, including pods that appear while following), by pod name.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { loadConfig } from "../../src/config/config";
import { type ControlPlane, createControlPlane } from "../../src/control-plane";
import type { KubernetesDeployer } from "../../src/deploy/k8s/deployer";
import { createKubernetesDeployerFromConfig } from "../../src/deploy/k8s/from-config";
import { functionLabels } from "../../src/deploy/k8s/labels";
import { REQUIRED_RBAC } from "../../src/deploy/k8s/rbac";
import type { LogLine } from "../../src/logs/log-line";
import { FakeKubeApiServer } from "../fakes/k8s-api-server";
import { until } from "../support/until";

const NS = "fns";
let fake: FakeKubeApiServer;
let deployer: KubernetesDeployer;
let cp: ControlPlane;

async function start(rbac = REQUIRED_RBAC): Promise<void> {
  fake = await FakeKubeApiServer.start({ rbac });
  const config = loadConfig({
    NANOFAAS_DEPLOYMENT_BACKEND: "k8s",
    NANOFAAS_K8S_NAMESPACE: NS,
    POD_NAMESPACE: "nanofaas",
  });
  deployer = createKubernetesDeployerFromConfig(config, {
    kubeConfig: fake.kubeConfig(NS),
    podRelistMs: 50,
    log: () => undefined,
  });
  await deployer.synced;
  cp = createControlPlane(config, { version: "test", deployer });
  const registered = await cp.app.request("/v1/functions", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: "echo", image: "example/echo:1" }),
  });
  expect(registered.status).toBe(201);
}

beforeEach(() => start());
afterEach(async () => {
  await deployer.close();
  await fake.close();
});

/** A pod as the ReplicaSet controller and kubelet would leave it. */
function seedPod(name: string, phase = "Running", component: "function" | "job" = "function", fn = "echo") {
  fake.seed("pods", NS, {
    metadata: { name, labels: functionLabels(fn, component) },
    spec: { containers: [{ name: "function", image: "example/echo:1" }] },
    status: { phase },
  });
}

const at = (s: number) => new Date(Date.UTC(2026, 11, 4, 14, 0, s));

async function logs(query = ""): Promise<LogLine[]> {
  const response = await cp.app.request(`/v1/functions/echo/logs${query}`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toStartWith("application/x-ndjson");
  const text = await response.text();
  return text === ""
    ? []
    : text
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as LogLine);
}

test("every replica's lines, merged in time order, by pod name; pending pods, Job pods and other functions left out", async () => {
  seedPod("fn-echo-a");
  seedPod("fn-echo-b");
  seedPod("fn-echo-pending", "Pending");
  seedPod("fn-echo-job", "Running", "job");
  seedPod("fn-other-a", "Running", "function", "other");
  fake.podLogs.print(NS, "fn-echo-a", "starting", at(1));
  fake.podLogs.print(NS, "fn-echo-b", "[exec e-1 trace t-1] hello from b", at(2));
  fake.podLogs.print(NS, "fn-echo-a", '{"level":"info","message":"json","executionId":"e-2"}', at(3));
  fake.podLogs.print(NS, "fn-echo-job", "a job's line", at(4));
  fake.podLogs.print(NS, "fn-other-a", "another function", at(5));
  const all = await logs();
  expect(all.map((l) => [l.time, l.replica, l.stream, l.message])).toEqual([
    ["2026-12-04T14:00:01.000Z", "fn-echo-a", "stdout", "starting"],
    ["2026-12-04T14:00:02.000Z", "fn-echo-b", "stdout", "hello from b"],
    ["2026-12-04T14:00:03.000Z", "fn-echo-a", "stdout", '{"level":"info","message":"json","executionId":"e-2"}'],
  ]);
  expect(all[1]).toMatchObject({ function: "echo", executionId: "e-1", traceId: "t-1" });
  expect((await logs("?executionId=e-2")).map((l) => l.replica)).toEqual(["fn-echo-a"]);
  expect((await logs("?replica=fn-echo-b")).map((l) => l.message)).toEqual(["hello from b"]);
  expect((await logs("?tail=1")).map((l) => l.time)).toEqual(["2026-12-04T14:00:03.000Z"]);
  expect((await logs("?since=2026-12-04T14:00:02Z")).map((l) => l.time)).toEqual([
    "2026-12-04T14:00:02.000Z",
    "2026-12-04T14:00:03.000Z",
  ]);
  // Asked with the container's name (a mesh sidecar would make it ambiguous) and timestamps.
  const logReads = fake.requests.filter((r) => r.resource === "pods/log").map((r) => r.name);
  expect(new Set(logReads)).toEqual(new Set(["fn-echo-a", "fn-echo-b"]));
});

/** Reads Server-Sent Events `log` lines from a follow until `count` have arrived. */
async function collectEvents(response: Response, count: number, seen: LogLine[]): Promise<void> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  while (seen.length < count) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = /^event: log\ndata: (.*)$/m.exec(event);
      if (data) seen.push(JSON.parse(data[1]!) as LogLine);
      end = buffer.indexOf("\n\n");
    }
  }
  await reader.cancel();
}

test("follow: the held lines, then new lines of every pod, including a pod that appears while following", async () => {
  seedPod("fn-echo-a");
  fake.podLogs.print(NS, "fn-echo-a", "before the follow", at(1));
  const stop = new AbortController();
  const response = await cp.app.request("/v1/functions/echo/logs?follow=true", { signal: stop.signal });
  expect(response.headers.get("content-type")).toStartWith("text/event-stream");
  const seen: LogLine[] = [];
  const collecting = collectEvents(response, 3, seen);
  await until(() => fake.podLogs.followers(NS, "fn-echo-a") === 1, "a follow of the pod's log");
  fake.podLogs.print(NS, "fn-echo-a", "[exec e-9] while following");
  // Scale-up: a new pod's log is followed from its first line.
  seedPod("fn-echo-b");
  fake.podLogs.print(NS, "fn-echo-b", "the new pod starts");
  await collecting;
  stop.abort();
  expect(seen.map((l) => `${l.replica}: ${l.message}`)).toEqual([
    "fn-echo-a: before the follow",
    "fn-echo-a: while following",
    "fn-echo-b: the new pod starts",
  ]);
  expect(seen[1]!.executionId).toBe("e-9");
  await until(
    () => fake.podLogs.followers(NS, "fn-echo-a") + fake.podLogs.followers(NS, "fn-echo-b") === 0,
    "the follows closed",
  );
});

test("follow filtered by execution: only that execution's lines arrive", async () => {
  seedPod("fn-echo-a");
  const response = await cp.app.request("/v1/functions/echo/logs?follow=true&executionId=e-1&tail=0");
  const seen: LogLine[] = [];
  const collecting = collectEvents(response, 1, seen);
  await until(() => fake.podLogs.followers(NS, "fn-echo-a") === 1, "a follow of the pod's log");
  fake.podLogs.print(NS, "fn-echo-a", "[exec e-2] not this one");
  fake.podLogs.print(NS, "fn-echo-a", "[exec e-1] this one");
  await collecting;
  expect(seen.map((l) => l.message)).toEqual(["this one"]);
});

test("without the pods/log permission the answer says what to grant", async () => {
  await deployer.close();
  await fake.close();
  await start(REQUIRED_RBAC.filter((rule) => rule.resource !== "pods/log"));
  seedPod("fn-echo-a");
  const response = await cp.app.request("/v1/functions/echo/logs");
  const [line] = (await response.text()).trimEnd().split("\n");
  const error = JSON.parse(line!) as { error: string; message: string };
  expect(error.error).toBe("LOGS_UNAVAILABLE");
  expect(error.message).toContain("pods/log");
});
