import { describe, expect, test } from "bun:test";
import { resolveFunction } from "../../domain/resolved-function";
import type { JobRequest } from "../deployer";
import { buildJob, jobName } from "./job";

const defaults = { timeoutMs: 30_000, concurrency: 4, queueSize: 100, maxRetries: 3 };
const options = {
  namespace: "fns",
  imagePullPolicy: "Always" as const,
  startupAllowanceMs: 60_000,
  ttlSecondsAfterFinished: 600,
};
const request = (overrides: Partial<JobRequest> = {}): JobRequest => ({
  fn: resolveFunction(
    {
      name: "resize",
      image: "example/resize:2",
      executionMode: "REMOTE",
      timeoutMs: 4500,
      runtimeCommand: "convert",
      env: { MODE: "fast", EXECUTION_ID: "forged", WARM: "true" },
    },
    defaults,
  ),
  executionId: "0b5c2a8e-9d1f-4c55-8a0e-3f2d3c4b5a69",
  attempt: 2,
  payload: '{"input":{"w":10},"metadata":null}',
  traceId: "trace-1",
  callbackUrl: "http://control-plane.nanofaas.svc.cluster.local:8080/v1/internal/executions",
  ...overrides,
});

describe("buildJob", () => {
  test("one-shot watchdog env in the seed design's order, then attempt and WARM=false", () => {
    const job = buildJob(request(), options);
    expect(job.spec.template.spec.containers[0]!.env).toEqual([
      { name: "FUNCTION_NAME", value: "resize" },
      { name: "EXECUTION_ID", value: "0b5c2a8e-9d1f-4c55-8a0e-3f2d3c4b5a69" },
      { name: "CALLBACK_URL", value: "http://control-plane.nanofaas.svc.cluster.local:8080/v1/internal/executions" },
      { name: "INVOCATION_PAYLOAD", value: '{"input":{"w":10},"metadata":null}' },
      { name: "TIMEOUT_MS", value: "4500" },
      { name: "EXECUTION_MODE", value: "HTTP" },
      { name: "WATCHDOG_CMD", value: "convert" },
      { name: "TRACE_ID", value: "trace-1" },
      { name: "DISPATCH_ATTEMPT", value: "2" },
      { name: "WARM", value: "false" },
      { name: "MODE", value: "fast" },
    ]);
  });

  test("never retried by Kubernetes, stopped at the attempt deadline, collected after the TTL", () => {
    const job = buildJob(request(), options);
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 65, ttlSecondsAfterFinished: 600 });
    expect(job.spec.template.spec).toMatchObject({ restartPolicy: "Never", automountServiceAccountToken: false });
    expect(job.spec.template.spec.containers[0]).toMatchObject({
      name: "function",
      image: "example/resize:2",
      imagePullPolicy: "Always",
    });
    expect(job.spec.template.spec.containers[0]).not.toHaveProperty("ports");
  });

  test("job pods carry the function labels but not function=<name> (the Service selector)", () => {
    const { labels } = buildJob(request(), options).spec.template.metadata;
    expect(labels).toMatchObject({
      app: "nanofaas",
      "nanofaas.io/function": "resize",
      "app.kubernetes.io/component": "job",
      "nanofaas.io/execution-id": "0b5c2a8e-9d1f-4c55-8a0e-3f2d3c4b5a69",
      "nanofaas.io/attempt": "2",
    });
    expect(labels).not.toHaveProperty("function");
  });

  test("an execution id that is not a label value stays in the annotation only", () => {
    const job = buildJob(request({ executionId: "id with spaces" }), options);
    expect(job.metadata.labels).not.toHaveProperty("nanofaas.io/execution-id");
    expect(job.metadata.annotations).toEqual({ "nanofaas.io/execution-id": "id with spaces" });
  });
});

describe("jobName", () => {
  test("deterministic per execution and attempt", () => {
    expect(jobName("resize", "e1", 1)).toBe(jobName("resize", "e1", 1));
    expect(jobName("resize", "e1", 1)).not.toBe(jobName("resize", "e1", 2));
    expect(jobName("resize", "e1", 1)).toMatch(/^fn-resize-[0-9a-f]{10}$/);
  });

  test("stays a 63-character DNS label for the longest function names", () => {
    const name = jobName("a".repeat(63), "e1", 1);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});
