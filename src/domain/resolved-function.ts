/**
 * @module
 * A registered function after default resolution (reference control-plane.md §2.2): every field
 * the engine needs has a value. `resolveFunction` is pure; provisioning (which fixes the effective
 * mode, backend and endpoint) happens in the registry.
 */
import { type ResolvedCircuitBreaker, type RetryClass, resolveCircuitBreaker } from "../resilience/resilience-spec";
import { type ResolvedChain, resolveChain } from "./chain";
import { validation } from "./errors";
import { type EventSource, redactEventSources } from "./event-sources";
import type { ExecutionMode, FunctionSpec, RuntimeMode } from "./function-spec";
import { resourceName } from "./object-name";
import { type ResolvedSchedule, resolveSchedules } from "./schedule-spec";
import { type ResolvedScalingConfig, resolveScalingConfig, type ScalingDefaults } from "./scaling-config";

export interface ResolvedRetryBackoff {
  baseDelayMs: number;
  maxDelayMs: number;
  jitter: number;
}

export const DEFAULT_RETRY_BACKOFF: ResolvedRetryBackoff = { baseDelayMs: 100, maxDelayMs: 5000, jitter: 0.2 };

export interface ResolvedFunction {
  name: string;
  image?: string;
  command: string[];
  env: Record<string, string>;
  resources?: { cpu?: string | null; memory?: string | null };
  timeoutMs: number;
  concurrency: number;
  queueSize: number;
  maxRetries: number;
  endpointUrl?: string;
  requestedExecutionMode: ExecutionMode;
  effectiveExecutionMode: ExecutionMode;
  deploymentBackend?: string;
  degradationReason?: string;
  runtimeMode: RuntimeMode;
  runtimeCommand?: string;
  /** Resolved for DEPLOYMENT; passed through untouched for other modes (as the reference). */
  scalingConfig?: ResolvedScalingConfig | FunctionSpec["scalingConfig"];
  imagePullSecrets?: string[];
  rateLimitPerSecond?: number;
  retryBackoff: ResolvedRetryBackoff;
  /** Which failure classes are retried; absent = all four (resilience-spec.ts). */
  retryOn?: RetryClass[];
  /** Absent: the function has no circuit breaker. */
  circuitBreaker?: ResolvedCircuitBreaker;
  /** Message-queue consumers (docs/triggers.md); GET shows them with URL credentials redacted. */
  eventSources?: EventSource[];
  /** The active version (issue 22): set by the registry, 1 for a new function. */
  version?: number;
  /**
   * Set on the deployment of a version that takes traffic without being active (issue 22): the
   * function's name. `name` is then the internal `function@vN`, never listed and never a user's
   * name (`@` is not allowed in one).
   */
  versionOf?: string;
  /**
   * The traffic split as set (issue 22). `[{version: <active>, weight: 100}]` is a pin: it routes
   * as no split but keeps a later PUT's new version at 0 %; responses omit it (all to the active).
   */
  traffic?: { version: number; weight: number }[];
  /** Cron triggers (issue 21); absent when the spec has none. */
  schedules?: ResolvedSchedule[];
  /** What runs after each execution (issue 23, domain/chain.ts); absent when none. */
  chain?: ResolvedChain;
}

export interface FunctionDefaults {
  timeoutMs: number;
  concurrency: number;
  queueSize: number;
  maxRetries: number;
  /** Omitted scalingConfig fields; the reference's hard-coded values when absent. */
  scaling?: ScalingDefaults;
}

const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

/** Applies defaults and cross-field rules. Throws VALIDATION_ERROR naming the offending field. */
export function resolveFunction(spec: FunctionSpec, defaults: FunctionDefaults): ResolvedFunction {
  const mode: ExecutionMode = spec.executionMode ?? "DEPLOYMENT";
  if (mode === "POOL" && !spec.endpointUrl) {
    throw validation("Request validation failed", ["endpointUrl: is required when executionMode is POOL"]);
  }
  if (mode === "REMOTE" && !spec.image) {
    throw validation("Request validation failed", ["image: is required when executionMode is REMOTE"]);
  }
  return {
    name: spec.name,
    image: orUndefined(spec.image),
    command: spec.command ?? [],
    env: spec.env ?? {},
    resources: orUndefined(spec.resources),
    timeoutMs: spec.timeoutMs ?? defaults.timeoutMs,
    concurrency: spec.concurrency ?? defaults.concurrency,
    queueSize: spec.queueSize ?? defaults.queueSize,
    maxRetries: spec.maxRetries ?? defaults.maxRetries,
    endpointUrl: orUndefined(spec.endpointUrl),
    requestedExecutionMode: mode,
    effectiveExecutionMode: mode,
    runtimeMode: spec.runtimeMode ?? "HTTP",
    runtimeCommand: orUndefined(spec.runtimeCommand),
    scalingConfig:
      mode === "DEPLOYMENT"
        ? resolveScalingConfig(spec.scalingConfig, defaults.scaling)
        : orUndefined(spec.scalingConfig),
    imagePullSecrets: orUndefined(spec.imagePullSecrets),
    rateLimitPerSecond: orUndefined(spec.rateLimitPerSecond),
    retryBackoff: { ...DEFAULT_RETRY_BACKOFF, ...stripNullish(spec.retryBackoff ?? {}) },
    retryOn: orUndefined(spec.retryOn),
    circuitBreaker: resolveCircuitBreaker(spec.circuitBreaker),
    eventSources: spec.eventSources?.length ? spec.eventSources : undefined,
    schedules: orEmpty(resolveSchedules(spec)),
    chain: resolveChain(spec.chain),
  };
}

const orEmpty = <T>(items: T[]): T[] | undefined => (items.length > 0 ? items : undefined);

function stripNullish<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

/** Keys of the wire `FunctionResponse`, in the reference's order (ours appended). */
const RESPONSE_KEYS = [
  "name",
  "image",
  "command",
  "env",
  "resources",
  "timeoutMs",
  "concurrency",
  "queueSize",
  "maxRetries",
  "endpointUrl",
  "requestedExecutionMode",
  "effectiveExecutionMode",
  "deploymentBackend",
  "degradationReason",
  "runtimeMode",
  "runtimeCommand",
  "scalingConfig",
  "imagePullSecrets",
  "rateLimitPerSecond",
  "retryBackoff",
  "retryOn",
  "circuitBreaker",
  "eventSources",
  "schedules",
  "chain",
  "version",
  "traffic",
] as const satisfies readonly (keyof ResolvedFunction)[];

const allToActive = (fn: ResolvedFunction) => fn.traffic?.length === 1 && fn.traffic[0]!.version === fn.version;

/** The wire shape: reference key order, top-level nulls omitted (reference §2.3). */
export function toFunctionResponse(fn: ResolvedFunction): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of RESPONSE_KEYS) {
    const value = fn[key];
    if (value === undefined || value === null) continue;
    if (key === "traffic" && allToActive(fn)) continue;
    out[key] = key === "eventSources" ? redactEventSources(fn.eventSources ?? []) : value;
  }
  out.resourceName = resourceName(fn.name);
  return out;
}
