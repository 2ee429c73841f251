/**
 * @module
 * The batch/v1 Job of one REMOTE attempt (SPEC §1.10): the function image running the watchdog
 * one-shot, never retried by Kubernetes (`backoffLimit: 0` — retries are the engine's, with
 * backoff and attempt numbers), stopped at the attempt deadline (`activeDeadlineSeconds`) and
 * garbage-collected after `ttlSecondsAfterFinished`. The name is derived from the execution id
 * and attempt, so launching the same attempt twice is a harmless 409.
 */
import { createHash } from "node:crypto";
import type { JobRequest } from "../deployer";
import { containerResources, jobEnv, pullSecrets } from "./env";
import { functionLabels, isLabelValue, objectName } from "./labels";
import { containerSecurityContext, podSecurityContext, TMP_MOUNT, TMP_VOLUME } from "./security";
import type { ImagePullPolicy } from "./workload";

/** Finished Jobs (and their pods' logs) stay this long for `kubectl logs`, then Kubernetes deletes them. */
export const DEFAULT_JOB_TTL_SECONDS = 600;

/**
 * Linux limits one environment string to 128 KiB (MAX_ARG_STRLEN); a larger INVOCATION_PAYLOAD
 * would fail at exec with E2BIG inside the pod. We refuse it up front instead.
 */
export const MAX_JOB_PAYLOAD_BYTES = 128 * 1024 - "INVOCATION_PAYLOAD=".length - 1;

export interface JobOptions {
  namespace: string;
  imagePullPolicy: ImagePullPolicy;
  startupAllowanceMs: number;
  ttlSecondsAfterFinished: number;
}

/** `fn-<name>-<10 hex>` within the 63-character limit (the Job controller copies it into a label). */
export function jobName(functionName: string, executionId: string, attempt: number): string {
  const hash = createHash("sha256").update(`${executionId}/${attempt}`).digest("hex").slice(0, 10);
  return `${objectName(functionName).slice(0, 63 - 11)}-${hash}`;
}

export function buildJob(job: JobRequest, options: JobOptions) {
  const { fn } = job;
  const labels: Record<string, string> = {
    ...functionLabels(fn.name, "job"),
    "nanofaas.io/attempt": String(job.attempt),
  };
  if (isLabelValue(job.executionId)) labels["nanofaas.io/execution-id"] = job.executionId;
  const resources = containerResources(fn.resources);
  const secrets = pullSecrets(fn);
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: jobName(fn.name, job.executionId, job.attempt),
      namespace: options.namespace,
      labels,
      annotations: { "nanofaas.io/execution-id": job.executionId },
    },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: Math.ceil((fn.timeoutMs + options.startupAllowanceMs) / 1000),
      ttlSecondsAfterFinished: options.ttlSecondsAfterFinished,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          securityContext: podSecurityContext(),
          ...(secrets ? { imagePullSecrets: secrets } : {}),
          containers: [
            {
              name: "function",
              image: fn.image,
              imagePullPolicy: options.imagePullPolicy,
              ...(fn.command.length > 0 ? { command: fn.command } : {}),
              env: jobEnv(job),
              ...(resources ? { resources } : {}),
              securityContext: containerSecurityContext(),
              volumeMounts: [TMP_MOUNT],
            },
          ],
          volumes: [TMP_VOLUME],
        },
      },
    },
  };
}
