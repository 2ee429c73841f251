/**
 * @module
 * The function model on the wire: `FunctionSpec` (what clients register) and its parts. Field
 * names, enum values and defaults follow the reference (control-plane.md §2.1), with the bounds of
 * SPEC §1.8 and the additions of SPEC §1.5/§1.9/§1.10. These zod schemas are the single source of
 * truth: request validation, TypeScript types and the OpenAPI document all come from them.
 */
import { z } from "zod";
import { MAX_TIMEOUT_MS } from "../contracts/invocation";
import { CircuitBreakerSpec, RetryOn } from "../resilience/resilience-spec";
import { ChainSpec } from "./chain";
import { EventSources } from "./event-sources";
import { FUNCTION_NAME_PATTERN } from "./object-name";
import { scheduleFields, scheduleIdIssues } from "./schedule-spec";

export { FUNCTION_NAME_PATTERN };

export const ExecutionMode = z.enum(["LOCAL", "POOL", "DEPLOYMENT", "REMOTE"]).meta({
  id: "ExecutionMode",
  description:
    "LOCAL echoes in-process; POOL posts to endpointUrl; DEPLOYMENT runs managed replicas; REMOTE runs one Kubernetes Job per invocation.",
});
export type ExecutionMode = z.infer<typeof ExecutionMode>;

export const RuntimeMode = z.enum(["HTTP", "STDIO", "FILE"]).meta({ id: "RuntimeMode" });
export type RuntimeMode = z.infer<typeof RuntimeMode>;

export const ScalingStrategy = z.enum(["INTERNAL", "HPA", "NONE"]).meta({ id: "ScalingStrategy" });
export const ConcurrencyControlMode = z
  .enum(["FIXED", "STATIC_PER_POD", "ADAPTIVE_PER_POD"])
  .meta({ id: "ConcurrencyControlMode" });

export const ScalingMetric = z
  .object({
    type: z
      .string()
      .min(1)
      .meta({ description: "queue_depth | in_flight | rps (INTERNAL); cpu, memory, prometheus… (HPA)" }),
    target: z.string().nullish(),
    query: z.string().nullish(),
  })
  .meta({ id: "ScalingMetric" });

export const ConcurrencyControlConfig = z
  .object({
    mode: ConcurrencyControlMode.nullish(),
    targetInFlightPerPod: z.int().nullish(),
    minTargetInFlightPerPod: z.int().nullish(),
    maxTargetInFlightPerPod: z.int().nullish(),
    upscaleCooldownMs: z.int().min(0).nullish(),
    downscaleCooldownMs: z.int().min(0).nullish(),
    highLoadThreshold: z.number().nullish(),
    lowLoadThreshold: z.number().nullish(),
  })
  .meta({ id: "ConcurrencyControlConfig" });

export const ScalingConfig = z
  .object({
    strategy: ScalingStrategy.nullish(),
    minReplicas: z.int().min(0).nullish().meta({ description: "At most NANOFAAS_MAX_REPLICAS (default 50)." }),
    maxReplicas: z
      .int()
      .min(0)
      .nullish()
      .meta({ description: "At most NANOFAAS_MAX_REPLICAS (default 50); >= minReplicas." }),
    metrics: z.array(ScalingMetric).nullish(),
    concurrencyControl: ConcurrencyControlConfig.nullish(),
  })
  .meta({ id: "ScalingConfig" });

export const ResourceSpec = z
  .object({ cpu: z.string().nullish(), memory: z.string().nullish() })
  .meta({ id: "ResourceSpec" });

export const RetryBackoff = z
  .object({
    baseDelayMs: z.int().min(0).max(3_600_000).optional(),
    maxDelayMs: z.int().min(0).max(3_600_000).optional(),
    jitter: z.number().min(0).max(1).optional(),
  })
  .meta({
    id: "RetryBackoff",
    description: "Delay before attempt n+1 = min(maxDelayMs, baseDelayMs·2^(n−1)) ± jitter. Defaults 100, 5000, 0.2.",
  });

export const FunctionSpec = z
  .object({
    name: z
      .string()
      .max(63, "must be at most 63 characters")
      .regex(
        FUNCTION_NAME_PATTERN,
        "must start with a letter followed by letters, digits, '.', '_' or '-' (or be a lower-case DNS label)",
      )
      .meta({
        example: "word-stats",
        description:
          "The reference's rule ^[a-zA-Z][a-zA-Z0-9._-]{0,62}$ (or a lower-case DNS label). Kubernetes and Docker objects are named after `resourceName`.",
      }),
    image: z
      .string()
      .trim()
      .min(1, "must not be blank")
      .nullish()
      .meta({ description: "Container image; required for the k8s and docker backends and for REMOTE." }),
    command: z.array(z.string()).nullish(),
    env: z.record(z.string(), z.string()).nullish(),
    resources: ResourceSpec.nullish(),
    timeoutMs: z.int().min(1).max(MAX_TIMEOUT_MS).nullish(),
    concurrency: z.int().min(1).max(10_000).nullish(),
    queueSize: z.int().min(1).max(1_000_000).nullish(),
    maxRetries: z
      .int()
      .min(0)
      .max(100)
      .nullish()
      .meta({ description: "Maximum total attempts (3 = up to 2 retries)." }),
    // http(s) only: Bun's fetch would read file: and data: URLs (the dispatcher checks again).
    endpointUrl: z
      .url({ protocol: /^https?$/, error: "must be an absolute http:// or https:// URL" })
      .nullish()
      .meta({
        pattern: "^\\s*[hH][tT][tT][pP][sS]?://",
        description: "Where POOL invocations are POSTed; http:// or https:// only.",
        example: "http://word-stats.internal:8080/invoke",
      }),
    executionMode: ExecutionMode.nullish(),
    runtimeMode: RuntimeMode.nullish(),
    runtimeCommand: z.string().nullish(),
    scalingConfig: ScalingConfig.nullish(),
    imagePullSecrets: z.array(z.string()).nullish(),
    rateLimitPerSecond: z
      .int()
      .min(1)
      .max(1_000_000_000)
      .nullish()
      .meta({ description: "Per-function invocations per second (429 reason rate)." }),
    retryBackoff: RetryBackoff.nullish(),
    retryOn: RetryOn.nullish(),
    circuitBreaker: CircuitBreakerSpec.nullish().meta({
      description: "Per-function circuit breaker (docs/versions.md); absent: none.",
    }),
    eventSources: EventSources.nullish(),
    chain: ChainSpec.nullish(),
    ...scheduleFields,
  })
  .superRefine((spec, ctx) => {
    for (const issue of scheduleIdIssues(spec)) ctx.addIssue({ code: "custom", ...issue });
  })
  .meta({ id: "FunctionSpec" });
export type FunctionSpec = z.infer<typeof FunctionSpec>;
