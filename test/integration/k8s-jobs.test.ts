/**
 * REMOTE (Job) mode end to end (SPEC §1.10): each attempt is a batch/v1 Job on the fake API
 * server; the test plays the watchdog by posting the callback the Job's env describes.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config/config";
import { type ControlPlane, createControlPlane } from "../../src/control-plane";
import type { KubernetesDeployer } from "../../src/deploy/k8s/deployer";
import { createKubernetesDeployerFromConfig, kubernetesCallbackUrl } from "../../src/deploy/k8s/from-config";
import { REQUIRED_RBAC } from "../../src/deploy/k8s/rbac";
import { createJobDispatcher } from "../../src/dispatch/job-dispatcher";
import { eventually, FakeKubeApiServer } from "../fakes/k8s-api-server";

const NS = "fns";
const ALLOWANCE_MS = 100;
let fake: FakeKubeApiServer;
let deployer: KubernetesDeployer;
let cp: ControlPlane;

beforeEach(async () => {
  fake = await FakeKubeApiServer.start({ rbac: REQUIRED_RBAC });
  const config = loadConfig({
    NANOFAAS_DEPLOYMENT_BACKEND: "k8s",
    NANOFAAS_K8S_NAMESPACE: NS,
    POD_NAMESPACE: "nanofaas",
    NANOFAAS_JOB_STARTUP_ALLOWANCE_MS: String(ALLOWANCE_MS),
  });
  deployer = createKubernetesDeployerFromConfig(config, { kubeConfig: fake.kubeConfig(NS), log: () => undefined });
  const remoteDispatcher = createJobDispatcher(deployer, {
    callbackUrl: kubernetesCallbackUrl(config),
    startupAllowanceMs: config.jobStartupAllowanceMs,
  });
  cp = createControlPlane(config, { version: "test", deployer, remoteDispatcher });
});
afterEach(async () => {
  await deployer.close();
  await fake.close();
});

const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  cp.app.request(path, {
    method,
    headers: { "Content-Type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const register = (spec: object = {}) =>
  send("POST", "/v1/functions", {
    name: "resize",
    image: "example/resize:2",
    executionMode: "REMOTE",
    timeoutMs: 1000,
    ...spec,
  });
const envOf = (job: { spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } } }) =>
  Object.fromEntries(job.spec.template.spec.containers[0]!.env.map((e) => [e.name, e.value]));
const jobFor = (attempt: number) =>
  eventually(
    () => fake.list("jobs", NS).find((j) => j.metadata.labels["nanofaas.io/attempt"] === String(attempt)),
    3000,
    `the Job of attempt ${attempt}`,
  );
/** What the watchdog does when the function finishes: POST {CALLBACK_URL}/{id}:complete. */
const callBack = (env: Record<string, string>, result: object, attempt = env.DISPATCH_ATTEMPT!) =>
  send("POST", `${new URL(env.CALLBACK_URL!).pathname}/${env.EXECUTION_ID}:complete`, result, {
    "X-Dispatch-Attempt": attempt,
  });

describe("REMOTE mode", () => {
  test("a sync invocation runs as a Job and completes through the callback", async () => {
    expect((await register()).status).toBe(201);
    const call = send("POST", "/v1/functions/resize:invoke", { input: { width: 10 } }, { "X-Trace-Id": "trace-7" });
    const job = await jobFor(1);
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 2, ttlSecondsAfterFinished: 600 });
    const env = envOf(job);
    expect(env).toMatchObject({
      FUNCTION_NAME: "resize",
      CALLBACK_URL: "http://control-plane.nanofaas.svc.cluster.local:8080/v1/internal/executions",
      INVOCATION_PAYLOAD: '{"input":{"width":10},"metadata":null}',
      TIMEOUT_MS: "1000",
      EXECUTION_MODE: "HTTP",
      TRACE_ID: "trace-7",
      DISPATCH_ATTEMPT: "1",
      WARM: "false",
    });
    expect((await callBack(env, { success: true, output: { width: 10, height: 5 } })).status).toBe(204);
    const response = await call;
    expect(response.headers.get("x-execution-id")).toBe(env.EXECUTION_ID!);
    expect(await response.json()).toMatchObject({ status: "success", output: { width: 10, height: 5 } });
  });

  test("an attempt with no callback times out, the retry gets a new Job, and the stale callback is ignored", async () => {
    // Deadline 400 + 100 ms per attempt: long enough to answer attempt 2 before it expires too.
    await register({ timeoutMs: 400, maxRetries: 2, retryBackoff: { baseDelayMs: 0, maxDelayMs: 0, jitter: 0 } });
    const accepted = await (await send("POST", "/v1/functions/resize:enqueue", { input: 1 })).json();
    const first = envOf(await jobFor(1));
    const second = envOf(await jobFor(2)); // attempt 1 hit its deadline
    expect(second.EXECUTION_ID).toBe(accepted.executionId);
    expect(second.DISPATCH_ATTEMPT).toBe("2");
    await callBack(first, { success: true, output: "late" }); // from the timed-out attempt
    expect((await (await send("GET", `/v1/executions/${accepted.executionId}`)).json()).status).toBe("running");
    await callBack(second, { success: true, output: "fresh" });
    expect(await (await send("GET", `/v1/executions/${accepted.executionId}`)).json()).toMatchObject({
      status: "success",
      output: "fresh",
    });
  });

  test("a Job that fails without calling back ends the execution with JOB_TIMEOUT at its deadline", async () => {
    await register({ timeoutMs: 150, maxRetries: 1 });
    // A sync caller waits timeoutMs by default, less than the Job's deadline: ask for longer.
    const call = send("POST", "/v1/functions/resize:invoke", { input: 1 }, { "X-Timeout-Ms": "5000" });
    const job = await jobFor(1);
    fake.setJobStatus(NS, job.metadata.name, {
      failed: 1,
      conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded" }],
    });
    const outcome = await (await call).json();
    expect(outcome.status).toBe("error");
    expect(outcome.error).toEqual({
      code: "JOB_TIMEOUT",
      message: `Job for execution ${envOf(job).EXECUTION_ID} (attempt 1) did not report a result within 250 ms (timeoutMs 150 + ${ALLOWANCE_MS} ms start-up allowance)`,
    });
  });

  test("a Job Kubernetes refuses to create fails the attempt with REMOTE_ERROR and the RBAC hint", async () => {
    fake.rbac = REQUIRED_RBAC.filter((rule) => rule.resource !== "jobs");
    await register({ maxRetries: 1 });
    const outcome = await (await send("POST", "/v1/functions/resize:invoke", { input: 1 })).json();
    expect(outcome.status).toBe("error");
    expect(outcome.error.code).toBe("REMOTE_ERROR");
    expect(outcome.error.message).toContain(
      "Kubernetes denied 'create' on jobs.batch in namespace 'fns': grant it to the control plane's ServiceAccount",
    );
  });

  test("a payload too large for an environment variable is refused before any Job exists", async () => {
    await register({ maxRetries: 1 });
    const outcome = await (await send("POST", "/v1/functions/resize:invoke", { input: "x".repeat(140_000) })).json();
    expect(outcome.error.code).toBe("REMOTE_ERROR");
    expect(outcome.error.message).toContain("bytes a Job can carry in INVOCATION_PAYLOAD");
    expect(fake.list("jobs", NS)).toEqual([]);
  });
});
