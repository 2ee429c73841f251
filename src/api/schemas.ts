/**
 * @module
 * Wire schemas of the HTTP API that are not part of the function model: invocation bodies,
 * execution views, callbacks, replicas and the error envelope. Names and shapes follow the
 * reference (control-plane.md §1.7–§1.10) so existing clients keep working.
 */
import { z } from "zod";
import { EXECUTION_STATES } from "../contracts/invocation";
import type { ErrorInfo as ErrorInfoType } from "../contracts/pod";
import { ERROR_CODES } from "../domain/errors";
import { ExecutionMode, RuntimeMode } from "../domain/function-spec";
import { EventSource } from "../domain/event-sources";
import { RetryOn } from "../resilience/resilience-spec";
import { TriggerStatus } from "./trigger-schema";

/** The document of contracts/pod.ts's ErrorInfo (the type below keeps them the same shape). */
export const ErrorInfo = z
  .object({ code: z.string(), message: z.string() })
  .meta({ id: "ErrorInfo" }) satisfies z.ZodType<ErrorInfoType, ErrorInfoType>;

export const ErrorEnvelope = z
  .object({
    error: z.enum(ERROR_CODES),
    message: z.string(),
    details: z
      .array(z.union([z.string(), z.object({ scope: z.string() })]))
      .optional()
      .meta({ description: "Offending fields (400), or the missing scope (403 FORBIDDEN: [{scope}])" }),
  })
  .meta({ id: "ErrorEnvelope", description: "Body of every non-2xx JSON response." });

/**
 * The document of an invocation body. Requests are read by api/invoke-input.ts (parseInvokeBody),
 * which applies these rules: metadata scalars become strings, as the reference's Jackson did.
 */
const Metadata = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).nullish();

export const InvocationRequest = z
  .object({
    input: z
      .unknown()
      .meta({ description: "Any JSON value, null included; the function receives it byte for byte as sent." }),
    metadata: Metadata,
  })
  .meta({ id: "InvocationRequest", required: ["input"] });

export const ExecutionState = z.enum(EXECUTION_STATES).meta({ id: "ExecutionState" });

export const InvocationResponse = z
  .object({
    executionId: z.string(),
    status: ExecutionState,
    output: z.any().nullable(),
    error: ErrorInfo.nullable(),
  })
  .meta({ id: "InvocationResponse" });

export const TrafficEntry = z
  .object({
    version: z.int().meta({ description: "A version of the function (GET …/versions)" }),
    weight: z.int().meta({ description: "Its share of the calls, a whole percentage (0: pinned calls only)" }),
  })
  .meta({ id: "TrafficEntry" });

export const ExecutionStatus = z
  .object({
    executionId: z.string(),
    status: ExecutionState,
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    output: z.any().nullable(),
    error: ErrorInfo.nullable(),
    coldStart: z.boolean(),
    initDurationMs: z.int().nullable(),
    function: z.string().meta({ description: "The function invoked" }),
    version: z
      .int()
      .optional()
      .meta({ description: "The function version that ran it; absent for executions read back from the store" }),
    attempts: z.int().meta({ description: "Attempts started so far (1 before the first dispatch)" }),
    createdAt: z.string().meta({ description: "When the invocation was accepted (ISO-8601 UTC)" }),
    parentExecutionId: z.string().nullable().meta({
      description: "The execution this one replays (a DLQ replay) or follows (a function chain's step), else null",
    }),
    rootExecutionId: z
      .string()
      .nullable()
      .meta({ description: "The first execution of a replay chain or a function chain, else null" }),
    trigger: z
      .object({
        type: z.enum(["cron", "webhook", "nats", "rabbitmq"]),
        id: z.string(),
        scheduledAt: z.string().optional().meta({ description: "cron: the fire time this execution is for" }),
      })
      .nullable()
      .optional()
      .meta({
        description:
          "What started it (a cron schedule, a webhook, a message-queue source: id `<stream>/<durable>` or the queue); null for an API call",
      }),
  })
  .meta({ id: "ExecutionStatus" });

export const InvocationResult = z
  .object({
    success: z.boolean().default(false),
    output: z.any().optional(),
    error: ErrorInfo.nullish(),
  })
  .meta({ id: "InvocationResult" });

export const ReplicaRequest = z
  .object({ replicas: z.int().min(0, "must be greater than or equal to 0").max(10_000) })
  .meta({ id: "ReplicaRequest" });

export const ReplicaResponse = z.object({ function: z.string(), replicas: z.int() }).meta({ id: "ReplicaResponse" });

export const FunctionStatus = z
  .object({
    state: z.enum(["Ready", "Progressing", "Degraded", "Failed"]).meta({
      description:
        "Ready: invocations can run now (for DEPLOYMENT: at least the desired replicas are ready; desired 0 is Ready, it scales from zero). " +
        "Progressing: replicas are starting. Degraded: DEPLOYMENT was asked for but runs as POOL, or some replicas fail to start (lastError says why). " +
        "Failed: no replica is ready and they fail to start or stay up (lastError: the last replica error).",
    }),
    ready: z.int().optional().meta({ description: "DEPLOYMENT: replicas ready to take invocations" }),
    desired: z
      .int()
      .optional()
      .meta({ description: "DEPLOYMENT: replicas the backend runs or is starting, when it knows" }),
    lastError: z
      .string()
      .optional()
      .meta({ description: 'Why it is Degraded or Failed, e.g. "handler failed to load: Cannot find module …"' }),
  })
  .meta({ id: "FunctionStatus" });

export const CircuitStatus = z
  .object({
    state: z.enum(["CLOSED", "OPEN", "HALF_OPEN"]),
    since: z.string().meta({ description: "When the circuit entered this state (ISO-8601 UTC)" }),
  })
  .meta({ id: "CircuitStatus", description: "The circuit breaker's state (present when the function has one)" });

export const FunctionResponse = z
  .object({
    name: z.string(),
    image: z.string().optional(),
    command: z.array(z.string()),
    env: z.record(z.string(), z.string()),
    resources: z.object({ cpu: z.string().nullish(), memory: z.string().nullish() }).optional(),
    timeoutMs: z.int(),
    concurrency: z.int(),
    queueSize: z.int(),
    maxRetries: z.int(),
    endpointUrl: z.string().optional(),
    requestedExecutionMode: ExecutionMode,
    effectiveExecutionMode: ExecutionMode,
    deploymentBackend: z.string().optional(),
    degradationReason: z.string().optional(),
    runtimeMode: RuntimeMode,
    runtimeCommand: z.string().optional(),
    scalingConfig: z.any().optional(),
    imagePullSecrets: z.array(z.string()).optional(),
    rateLimitPerSecond: z.int().optional(),
    retryBackoff: z.object({ baseDelayMs: z.int(), maxDelayMs: z.int(), jitter: z.number() }),
    retryOn: RetryOn.optional(),
    circuitBreaker: z
      .object({
        failureThreshold: z.int(),
        failureRateThreshold: z.int().optional(),
        windowMs: z.int(),
        resetTimeoutMs: z.int(),
        halfOpenRequests: z.int(),
      })
      .optional()
      .meta({ description: "The circuit breaker with defaults applied (absent when none)" }),
    circuit: CircuitStatus.optional(),
    eventSources: z
      .array(EventSource)
      .optional()
      .meta({ description: "As registered, with user and password of a literal url replaced by ***." }),
    schedules: z
      .array(
        z.object({
          id: z.string(),
          cron: z.string(),
          timezone: z.string(),
          input: z.unknown(),
          enabled: z.boolean(),
          overlap: z.enum(["skip", "queue"]),
        }),
      )
      .optional()
      .meta({ description: "Cron triggers with defaults applied (absent when none)" }),
    chain: z
      .object({ next: z.string(), passOutput: z.boolean(), onError: z.enum(["stop", "next"]) })
      .optional()
      .meta({ description: "The chain with defaults applied (absent when none; docs/workflows.md, Chains)" }),
    version: z.int().optional().meta({ description: "The active version (1 for a new function; docs/versions.md)" }),
    traffic: z
      .array(TrafficEntry)
      .optional()
      .meta({ description: "The traffic split; absent when everything goes to the active version" }),
    // Optional in the schema only so clients also read servers older than this field.
    resourceName: z.string().optional().meta({
      description:
        "DNS label the function's Kubernetes and Docker objects are named after (k8s `fn-<resourceName>`, docker `nanofaas-<resourceName>-r<i>`): the name itself when it is a DNS label of at most 60 characters, else lower-cased, other characters replaced by '-', with an 8-hex-digit hash suffix.",
      example: "wordstats-1a2b3c4d",
    }),
    // Always sent; optional in the schema for the same reason as resourceName.
    status: FunctionStatus.optional(),
    triggers: z.array(TriggerStatus).optional().meta({
      description:
        "GET /v1/functions/{name} only: its cron schedules, webhooks and message-queue sources with their state (as GET /v1/triggers)",
    }),
  })
  .meta({ id: "FunctionResponse" });
