/**
 * @module
 * `loadConfig(env)`: the whole configuration as a pure function of an env map. Each setting lists
 * the variables it accepts — canonical name first, then the reference's Spring relaxed-binding
 * spellings — and every error names the variable that caused it. Unknown variables carrying one of
 * our prefixes are reported at start-up with a suggestion (fatal in strict mode), because they are
 * almost always typos; the reference's settings without a meaning here are named in one warning.
 */
import { z } from "zod";
import { MAX_TIMEOUT_MS } from "../contracts/invocation";
import { AUTH_SETTINGS } from "./auth-settings";
import { HA_SETTINGS, haProblems } from "./ha-settings";
import { bool, commandList, duration, int, num, port, url } from "./fields";
import { isLoopbackAddress } from "../lib/bind-address";
import { classifyForeign, springEnvNames } from "./reference-variables";

export const DEPLOYMENT_BACKENDS = ["k8s", "docker", "process", "none"] as const;
export type DeploymentBackendId = (typeof DEPLOYMENT_BACKENDS)[number];
/** NANOFAAS_STORE values (src/store/create-store.ts). */
export const STORE_KINDS = ["sqlite", "postgres", "memory"] as const;
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

interface Setting {
  env: readonly string[];
  schema: z.ZodType;
  doc: string;
}

const s = <T extends z.ZodType>(env: string | readonly string[], schema: T, doc: string) => ({
  env: typeof env === "string" ? [env] : env,
  schema,
  doc,
});

/** A reference Spring key's variables, the `_`-separated spelling first (our canonical form). */
const spring = (key: string) => springEnvNames(key).reverse();
/** A sync-queue key: the reference's spellings plus the `NANOFAAS_`-prefixed one its Helm values use. */
const syncQueue = (key: string) => [
  ...spring(`sync-queue.${key}`),
  `NANOFAAS_SYNC_QUEUE_${key.toUpperCase().replaceAll("-", "_")}`,
];

/** Every setting, its variables, schema (with default) and one line of documentation. */
export const SETTINGS = {
  serverPort: s("SERVER_PORT", port().default(8080), "API port"),
  managementPort: s("MANAGEMENT_SERVER_PORT", port().default(8081), "management port (health, metrics)"),
  bindHost: s(
    "NANOFAAS_BIND_HOST",
    z.string().default("127.0.0.1"),
    "address both listeners bind to (loopback unless set; the image and manifests set 0.0.0.0)",
  ),
  defaultTimeoutMs: s(
    "NANOFAAS_DEFAULTS_TIMEOUTMS",
    int(1, MAX_TIMEOUT_MS).default(30_000),
    "default function timeoutMs",
  ),
  defaultConcurrency: s("NANOFAAS_DEFAULTS_CONCURRENCY", int(1, 10_000).default(4), "default function concurrency"),
  defaultQueueSize: s("NANOFAAS_DEFAULTS_QUEUESIZE", int(1, 1_000_000).default(100), "default per-lane queue capacity"),
  defaultMaxRetries: s("NANOFAAS_DEFAULTS_MAXRETRIES", int(0, 100).default(3), "default maxRetries (total attempts)"),
  rateMaxPerSecond: s(
    "NANOFAAS_RATE_MAXPERSECOND",
    int(1, 1_000_000_000).default(1_000_000),
    "global invocations per second",
  ),
  maxBodyBytes: s(
    "NANOFAAS_MAX_BODY_BYTES",
    int(1, 1024 ** 3).default(6 * 1024 * 1024),
    "API request body limit (413 above)",
  ),
  executionTtlMs: s(
    ["NANOFAAS_EXECUTION_STORE_TTL", "NANOFAAS_EXECUTIONSTORE_TTL"],
    duration().prefault("5m"),
    "terminal execution retention",
  ),
  executionCleanupTtlMs: s(
    ["NANOFAAS_EXECUTION_STORE_CLEANUP_TTL", "NANOFAAS_EXECUTIONSTORE_CLEANUPTTL"],
    duration().prefault("2m"),
    "age after which a terminal execution's output is dropped",
  ),
  executionMaxLifetimeMs: s(
    ["NANOFAAS_EXECUTION_STORE_MAX_LIFETIME", "NANOFAAS_EXECUTIONSTORE_MAXLIFETIME"],
    duration().prefault("30m"),
    "age after which a non-terminal execution is dropped",
  ),
  dlqRetentionMs: s(
    "NANOFAAS_DLQ_RETENTION",
    duration().prefault("7d"),
    "how long dead-letter queue entries are kept (docs/persistence.md)",
  ),
  cronMissedFireGraceMs: s(
    "NANOFAAS_CRON_MISSED_FIRE_GRACE",
    duration(0).prefault("5m"),
    "after a restart (or a leader change), cron fires at most this old are still fired, late; older ones are skipped (docs/triggers.md)",
  ),
  webhookSecretOverlapMs: s(
    "NANOFAAS_WEBHOOK_SECRET_OVERLAP",
    duration().prefault("24h"),
    "how long a webhook's previous secret stays valid after :rotate-secret (docs/triggers.md)",
  ),
  maxResponseBytes: s(
    ["NANOFAAS_HTTP_CLIENT_MAX_IN_MEMORY_SIZE_MB", "NANOFAAS_HTTPCLIENT_MAXINMEMORYSIZEMB"],
    int(1, 1024)
      .default(16)
      .transform((mb) => mb * 1024 * 1024),
    "pod response size cap (MiB)",
  ),
  deploymentBackend: s(
    ["NANOFAAS_DEPLOYMENT_BACKEND", "NANOFAAS_DEPLOYMENT_DEFAULT_BACKEND", "NANOFAAS_DEPLOYMENT_DEFAULTBACKEND"],
    z.enum(DEPLOYMENT_BACKENDS).optional(),
    "k8s | docker | process | none (unset: k8s in a cluster, else process)",
  ),
  kubernetesServiceHost: s("KUBERNETES_SERVICE_HOST", z.string().optional(), "set by Kubernetes inside a cluster"),
  k8sNamespace: s("NANOFAAS_K8S_NAMESPACE", z.string().optional(), "namespace for function objects"),
  podNamespace: s("POD_NAMESPACE", z.string().optional(), "the control plane's own namespace (downward API)"),
  callbackUrl: s(
    ["NANOFAAS_CALLBACK_URL", "NANOFAAS_K8S_CALLBACK_URL", "NANOFAAS_K8S_CALLBACKURL"],
    url().optional(),
    "base URL pods call back to (default: this control plane)",
  ),
  k8sImagePullPolicy: s(
    ["NANOFAAS_K8S_IMAGE_PULL_POLICY", "NANOFAAS_K8S_IMAGEPULLPOLICY"],
    z.enum(["Always", "IfNotPresent", "Never"]).default("Always"),
    "imagePullPolicy of function containers",
  ),
  crdMode: s(
    "NANOFAAS_CRD_MODE",
    z.enum(["off", "source", "mirror"]).default("off"),
    "Function custom resources (k8s backend): off | source (resources are the truth; API writes refused) | mirror (API functions also written as resources)",
  ),
  crdResyncIntervalMs: s(
    "NANOFAAS_CRD_RESYNC_INTERVAL",
    duration(1000).prefault("60s"),
    "how often the operator reconciles every Function resource again (drift repair, retries)",
  ),
  tlsCertFile: s(
    "NANOFAAS_TLS_CERT_FILE",
    z.string().min(1).optional(),
    "PEM certificate chain: the API port serves HTTPS (reloaded when the file changes); needs NANOFAAS_TLS_KEY_FILE",
  ),
  tlsKeyFile: s("NANOFAAS_TLS_KEY_FILE", z.string().min(1).optional(), "PEM private key of NANOFAAS_TLS_CERT_FILE"),
  k8sServiceName: s(
    "NANOFAAS_K8S_SERVICE_NAME",
    z.string().default("control-plane"),
    "the control plane's Service name (callback default)",
  ),
  scalingPollIntervalMs: s(
    ["NANOFAAS_SCALING_POLL_INTERVAL_MS", "NANOFAAS_SCALING_POLLINTERVALMS"],
    int(100, 3_600_000).default(5000),
    "autoscaler tick",
  ),
  defaultTargetInFlightPerPod: s(
    ["NANOFAAS_SCALING_DEFAULT_TARGET_IN_FLIGHT_PER_POD", "NANOFAAS_SCALING_DEFAULTTARGETINFLIGHTPERPOD"],
    int(1, 10_000).default(2),
    "ADAPTIVE_PER_POD default target",
  ),
  scalingDefaultMinReplicas: s(
    spring("nanofaas.scaling.default-min-replicas"),
    int(0, 100_000).default(1),
    "scalingConfig.minReplicas when a DEPLOYMENT function omits it (the reference hard-coded 1)",
  ),
  scalingDefaultMaxReplicas: s(
    spring("nanofaas.scaling.default-max-replicas"),
    int(1, 100_000).default(10),
    "scalingConfig.maxReplicas when omitted (the reference hard-coded 10; at most NANOFAAS_MAX_REPLICAS)",
  ),
  concurrencyUpscaleCooldownMs: s(
    spring("nanofaas.scaling.concurrency-upscale-cooldown-ms"),
    int(0, 86_400_000).default(30_000),
    "concurrencyControl.upscaleCooldownMs when an adaptive function omits it",
  ),
  concurrencyDownscaleCooldownMs: s(
    spring("nanofaas.scaling.concurrency-downscale-cooldown-ms"),
    int(0, 86_400_000).default(60_000),
    "concurrencyControl.downscaleCooldownMs when omitted",
  ),
  concurrencyHighLoadThreshold: s(
    spring("nanofaas.scaling.concurrency-high-load-threshold"),
    num(0, 1000).default(0.85),
    "concurrencyControl.highLoadThreshold when omitted",
  ),
  concurrencyLowLoadThreshold: s(
    spring("nanofaas.scaling.concurrency-low-load-threshold"),
    num(0, 1000).default(0.35),
    "concurrencyControl.lowLoadThreshold when omitted (at most the high threshold)",
  ),
  adminRuntimeConfigEnabled: s(
    ["NANOFAAS_ADMIN_RUNTIME_CONFIG_ENABLED", "NANOFAAS_ADMIN_RUNTIMECONFIG_ENABLED"],
    bool().default(false),
    "enable /v1/admin/runtime-config",
  ),
  syncQueueEnabled: s(
    syncQueue("enabled"),
    bool().default(true),
    "queue sync invocations (else they wait in the async lane)",
  ),
  syncQueueAdmissionEnabled: s(
    syncQueue("admission-enabled"),
    bool().default(true),
    "estimated-wait admission control for sync calls",
  ),
  syncQueueMaxDepth: s(
    syncQueue("max-depth"),
    int(0, 100_000_000).default(0),
    "global cap on queued sync calls across functions (0 = none)",
  ),
  syncQueueMaxEstimatedWaitMs: s(
    syncQueue("max-estimated-wait"),
    duration().prefault("2s"),
    "reject sync calls whose estimated wait exceeds this",
  ),
  syncQueueMaxQueueWaitMs: s(
    syncQueue("max-queue-wait"),
    duration().prefault("2s"),
    "reject sync calls still queued after this",
  ),
  syncQueueRetryAfterSeconds: s(
    syncQueue("retry-after-seconds"),
    int(1, 3600).default(2),
    "Retry-After on queue rejections",
  ),
  syncQueuePerFunctionMinSamples: s(
    syncQueue("per-function-min-samples"),
    int(1, 1_000_000).default(10),
    "finished attempts a function needs in the window before its estimated wait is used (below: admitted while its lane has room)",
  ),
  syncQueueThroughputWindowMs: s(
    syncQueue("throughput-window"),
    duration().prefault("30s"),
    "window of the mean attempt duration behind the estimated wait",
  ),
  shutdownGraceMs: s("NANOFAAS_SHUTDOWN_GRACE_MS", int(0, 3_600_000).default(30_000), "drain budget on SIGTERM"),
  logLevel: s(["NANOFAAS_LOG_LEVEL", "LOG_LEVEL"], z.enum(LOG_LEVELS).default("info"), "log level"),
  functionsDir: s(
    "NANOFAAS_FUNCTIONS_DIR",
    z.string().optional(),
    "file or directory of function specs registered at start-up",
  ),
  devWatch: s(
    "NANOFAAS_DEV_WATCH",
    bool().default(false),
    "development: restart a function's replicas when a file of its command changes (process backend; docs/cli.md, `just dev`)",
  ),
  metricsReferenceQuantiles: s(
    "NANOFAAS_METRICS_REFERENCE_QUANTILES",
    bool().default(false),
    'add the reference\'s {quantile="0.5|0.95|0.99"} series (last ~2 minutes, derived at scrape time) to the four latency histograms',
  ),
  logsBufferLines: s(
    "NANOFAAS_LOGS_BUFFER_LINES",
    int(1, 100_000).default(1000),
    "function output lines kept per function for GET /v1/functions/{name}/logs (process and docker backends; docs/logs.md)",
  ),
  apiDocsEnabled: s("NANOFAAS_API_DOCS_ENABLED", bool().default(true), "serve the API reference UI at /docs"),
  consoleEnabled: s(
    "NANOFAAS_CONSOLE_ENABLED",
    bool().default(true),
    "serve the web console at /ui (and redirect / to it); its API calls need the same keys as any client",
  ),
  otlpEndpoint: s(
    ["NANOFAAS_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"],
    url().optional(),
    "export spans over OTLP/HTTP when set",
  ),
  watchdogPath: s(
    "NANOFAAS_WATCHDOG_PATH",
    z.string().optional(),
    "watchdog binary for runtimeCommand functions (process backend)",
  ),
  dockerSocket: s(
    "NANOFAAS_DOCKER_SOCKET",
    z.string().default("/var/run/docker.sock"),
    "Docker Engine API socket (docker backend)",
  ),
  processBindHost: s(
    "NANOFAAS_PROCESS_BIND_HOST",
    z.string().default("127.0.0.1"),
    "address process-backend replicas listen on",
  ),
  // Limits and safety (SPEC-platform §10).
  maxReplicas: s(
    "NANOFAAS_MAX_REPLICAS",
    int(1, 100_000).default(50),
    "most replicas one function may ask for (minReplicas, maxReplicas, PUT replicas; 400 above)",
  ),
  maxFunctions: s(
    "NANOFAAS_MAX_FUNCTIONS",
    int(1, 1_000_000).default(1000),
    "most registered functions (403 QUOTA_EXCEEDED above)",
  ),
  tenantsFile: s(
    "NANOFAAS_TENANTS_FILE",
    z.string().optional(),
    "tenants as YAML, `tenants: [{name, quotas: {maxFunctions?, maxRequestsPerSecond?, maxConcurrency?, maxQueued?, maxJobs?}}]` (docs/tenants.md); at most 1 MiB",
  ),
  maxChainDepth: s(
    "NANOFAAS_MAX_CHAIN_DEPTH",
    int(1, 1000).default(10),
    "most functions one chain runs, the first included: registering a chain that would be longer, or a cycle, is 400; at run time a longer chain (a restored function) stops there",
  ),
  maxJsonDepth: s(
    "NANOFAAS_MAX_JSON_DEPTH",
    int(1, 100_000).default(256),
    "deepest nesting of arrays/objects accepted in JSON from clients, pods and callbacks (request 400 above; pod answer → execution error)",
  ),
  maxRetainedBytes: s(
    "NANOFAAS_MAX_RETAINED_BYTES",
    int(1024, 2 ** 50).default(256 * 1024 * 1024),
    "bytes of execution inputs and outputs kept in memory (enqueue 503 above; outputs truncated)",
  ),
  maxFunctionVersions: s(
    "NANOFAAS_MAX_FUNCTION_VERSIONS",
    int(1, 100_000).default(20),
    "versions kept per function (the oldest beyond it are deleted; the active one never)",
  ),
  maxTotalInflight: s(
    "NANOFAAS_MAX_TOTAL_INFLIGHT",
    int(0, 100_000_000).default(0),
    "bulkhead: most executions in flight across all functions (0 = no cap); a sync call above it gets 429 reason bulkhead, async work waits",
  ),
  maxTotalJobs: s(
    "NANOFAAS_MAX_TOTAL_JOBS",
    int(0, 100_000_000).default(0),
    "bulkhead: most REMOTE Jobs running at once (0 = no cap); a sync REMOTE call above it gets 429 reason bulkhead, async work waits",
  ),
  processAllowedCommands: s(
    "NANOFAAS_PROCESS_ALLOWED_COMMANDS",
    commandList(),
    "programs the process backend may run for API-registered functions (comma-separated; * = any); NANOFAAS_FUNCTIONS_DIR specs are always allowed",
  ),
  processStateDir: s(
    "NANOFAAS_PROCESS_STATE_DIR",
    z.string().optional(),
    "where the process backend records replica process groups, to reap them after a crash (default: <tmp>/nanofaas-<uid>-<SERVER_PORT>)",
  ),
  shutdownDrainDelayMs: s(
    "NANOFAAS_SHUTDOWN_DRAIN_DELAY_MS",
    int(0, 3_600_000).default(0),
    "after SIGTERM, keep admitting work this long while readiness reports draining (endpoint propagation)",
  ),
  jobStartupAllowanceMs: s(
    "NANOFAAS_JOB_STARTUP_ALLOWANCE_MS",
    int(0, 3_600_000).default(60_000),
    "time a REMOTE Job may take to start (scheduling, image pull) on top of timeoutMs: its activeDeadlineSeconds, the callback wait and a sync caller's default wait",
  ),
  readinessTimeoutMs: s(
    ["NANOFAAS_READINESS_TIMEOUT_MS", ...spring("nanofaas.container-local.readiness-timeout")],
    duration(100, 600_000).prefault("20000"),
    "how long a new replica may take to answer /health",
  ),
  // Durable state (issue 17, SPEC-platform §1, docs/persistence.md).
  store: s(
    "NANOFAAS_STORE",
    z.enum(STORE_KINDS).default("sqlite"),
    "sqlite | postgres | memory: where functions, executions and idempotency keys are kept (memory: nothing survives a restart)",
  ),
  dataDir: s(
    "NANOFAAS_DATA_DIR",
    z.string().default("./.nanofaas"),
    "directory of the SQLite database nanofaas.db (created when missing)",
  ),
  databaseUrl: s(
    "NANOFAAS_DATABASE_URL",
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "expected a postgres:// or postgresql:// URL")
      .optional(),
    "PostgreSQL connection URL; required when NANOFAAS_STORE=postgres",
  ),
  sqliteSynchronous: s(
    "NANOFAAS_SQLITE_SYNCHRONOUS",
    z.enum(["full", "normal"]).default("full"),
    "full: a 202-accepted :enqueue survives power loss (one fsync per group commit); normal: survives a killed process, not power loss",
  ),
  configStrict: s(
    "NANOFAAS_CONFIG_STRICT",
    bool().default(false),
    "refuse to start on an unknown NANOFAAS_/SYNC_QUEUE_ variable (default: a start-up warning)",
  ),
  ...AUTH_SETTINGS,
  ...HA_SETTINGS,
} satisfies Record<string, Setting>;

type Settings = typeof SETTINGS;
export type Config = { [K in keyof Settings]: z.output<Settings[K]["schema"]> };

/** Variable-name prefixes we own: unknown names under them are configuration typos. */
export const OWNED_PREFIXES = ["NANOFAAS_", "SYNC_QUEUE_", "SYNCQUEUE_"] as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

/** The configuration plus what start-up should warn about (one line each). */
export interface LoadedConfig {
  config: Config;
  warnings: string[];
}

/** Builds the validated, defaulted configuration, or throws a ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  return loadConfigWithWarnings(env).config;
}

/**
 * As loadConfig, and also returns the warnings: one naming the reference's settings that do nothing
 * here (and why), one naming unknown variables under our prefixes (with a "did you mean"). Unknown
 * variables are fatal only with NANOFAAS_CONFIG_STRICT=true, so a reference deployment starts.
 */
export function loadConfigWithWarnings(env: Record<string, string | undefined>): LoadedConfig {
  const problems: string[] = [];
  const known = new Set<string>();
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(SETTINGS) as [string, Setting][]) {
    for (const name of setting.env) known.add(name);
    const source = setting.env.find((name) => (env[name] ?? "").trim() !== "");
    const raw = source === undefined ? undefined : env[source]!.trim();
    const parsed = setting.schema.safeParse(raw);
    if (parsed.success) out[key] = parsed.data;
    else
      problems.push(
        `${source ?? setting.env[0]}: ${parsed.error.issues.map((i) => i.message).join("; ")} (got "${raw}")`,
      );
  }
  const config = out as Config;
  if (problems.length === 0) problems.push(...crossFieldProblems(config));
  const { inert, unknown } = foreignVariables(env, known);
  if (config.configStrict === true) problems.push(...unknown);
  if (problems.length > 0) throw new ConfigError(problems);
  const warnings: string[] = [];
  if (inert.length > 0) warnings.push(`reference settings accepted but without effect here: ${inert.join("; ")}`);
  if (unknown.length > 0)
    warnings.push(`unknown settings ignored (NANOFAAS_CONFIG_STRICT=true makes them fatal): ${unknown.join("; ")}`);
  return { config, warnings };
}

/** Variables under our prefixes that are not settings: reference no-ops, and unknown ones (typos). */
function foreignVariables(
  env: Record<string, string | undefined>,
  known: Set<string>,
): { inert: string[]; unknown: string[] } {
  const inert: string[] = [];
  const unknown: string[] = [];
  for (const name of Object.keys(env)) {
    if (known.has(name) || !OWNED_PREFIXES.some((p) => name.startsWith(p))) continue;
    // Event-source URLs (domain/event-sources.ts, urlFromEnv): values functions refer to, not settings.
    if (name.startsWith("NANOFAAS_SOURCE_")) continue;
    const foreign = classifyForeign(name);
    if (foreign?.kind === "inert") inert.push(`${name} (${foreign.key}: ${foreign.why})`);
    else if (foreign === undefined) unknown.push(`${name}: unknown setting${suggest(name, known)}`);
  }
  return { inert, unknown };
}

function crossFieldProblems(c: Config): string[] {
  const problems: string[] = [];
  if (c.scalingDefaultMinReplicas > c.scalingDefaultMaxReplicas) {
    problems.push(
      `NANOFAAS_SCALING_DEFAULT_MIN_REPLICAS: must be <= NANOFAAS_SCALING_DEFAULT_MAX_REPLICAS (${c.scalingDefaultMinReplicas} > ${c.scalingDefaultMaxReplicas})`,
    );
  }
  if (c.scalingDefaultMaxReplicas > c.maxReplicas) {
    problems.push(
      `NANOFAAS_SCALING_DEFAULT_MAX_REPLICAS: must be <= NANOFAAS_MAX_REPLICAS (${c.scalingDefaultMaxReplicas} > ${c.maxReplicas})`,
    );
  }
  if (c.store === "postgres" && c.databaseUrl === undefined) {
    problems.push("NANOFAAS_DATABASE_URL: required when NANOFAAS_STORE=postgres");
  }
  problems.push(...authProblems(c));
  problems.push(...haProblems(c));
  if ((c.tlsCertFile === undefined) !== (c.tlsKeyFile === undefined))
    problems.push("NANOFAAS_TLS_CERT_FILE and NANOFAAS_TLS_KEY_FILE: set both, or neither");
  if (c.crdMode !== "off" && resolveDeploymentBackend(c) !== "k8s")
    problems.push(`NANOFAAS_CRD_MODE=${c.crdMode}: needs the k8s deployment backend (NANOFAAS_DEPLOYMENT_BACKEND=k8s)`);
  if (c.concurrencyLowLoadThreshold > c.concurrencyHighLoadThreshold) {
    problems.push(
      `NANOFAAS_SCALING_CONCURRENCY_LOW_LOAD_THRESHOLD: must be <= the high threshold (${c.concurrencyLowLoadThreshold} > ${c.concurrencyHighLoadThreshold})`,
    );
  }
  return problems;
}

/** Secure by default: no authentication means loopback only, unless explicitly opted out. */
function authProblems(c: Config): string[] {
  const problems: string[] = [];
  if (c.authModes.length === 0 && !isLoopbackAddress(c.bindHost) && !c.authAllowAnonymous) {
    problems.push(
      `NANOFAAS_BIND_HOST=${c.bindHost} with NANOFAAS_AUTH=none would let anyone who can reach this address run functions; set NANOFAAS_AUTH=apikey (docs/security.md), or NANOFAAS_AUTH_ALLOW_ANONYMOUS=true to accept that`,
    );
  }
  if (c.authModes.includes("oidc") && (!c.oidcIssuer || !c.oidcAudience)) {
    problems.push("NANOFAAS_AUTH: oidc needs NANOFAAS_OIDC_ISSUER and NANOFAAS_OIDC_AUDIENCE");
  }
  return problems;
}

function suggest(name: string, known: Set<string>): string {
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const score = levenshtein(name, candidate);
    if (score < bestScore) [best, bestScore] = [candidate, score];
  }
  return best !== undefined && bestScore <= 4 ? ` (did you mean ${best}?)` : "";
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** The backend DEPLOYMENT functions use: explicit setting, else k8s in a cluster, else process. */
export function resolveDeploymentBackend(config: Config): DeploymentBackendId {
  if (config.deploymentBackend) return config.deploymentBackend;
  return config.kubernetesServiceHost ? "k8s" : "process";
}

/** Namespace for function objects: explicit, then the pod's own namespace, then `default`. */
export function resolveNamespace(config: Config): string {
  return config.k8sNamespace || config.podNamespace || "default";
}
