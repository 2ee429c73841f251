/**
 * @module
 * Builds the whole control plane from a Config and the chosen backends, without binding ports or
 * starting timers — main.ts does that. Tests build real control planes through this function.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Hono } from "hono";
import { Registry } from "prom-client";
import { createAuthGate } from "./api/auth-gate";
import { createFastInvokeHandler, type FetchHandler } from "./api/fast-invoke";
import { registerApiKeyRoutes } from "./api/routes/apikeys";
import { registerAuditRoutes } from "./api/routes/audit";
import { type AuthParts, createAuthParts } from "./auth/auth-parts";
import type { CallbackTokens } from "./auth/callback-token";
import { RuntimeConfigService } from "./admin/runtime-config";
import { registerAdminRuntimeConfigRoutes } from "./api/routes/admin-runtime-config";
import { registerFunctionStatsRoutes } from "./api/routes/function-stats";
import { registerScheduleRoutes } from "./api/routes/schedules";
import { type ConsoleAssetLoader, registerConsoleRoutes } from "./console/console-routes";
import { registerTriggerRoutes } from "./api/routes/triggers";
import { registerWebhookRoutes } from "./api/routes/webhooks";
import { registerWorkflowRoutes } from "./api/routes/workflows";
import { parseJsonBody } from "./api/invoke-input";
import { WebhookService } from "./triggers/webhooks/webhook-service";
import { createApp } from "./app";
import { apiViewForSourceMode, workflowsViewForSourceMode } from "./operator/source-mode";
import type { Config } from "./config/config";
import type { Deployer } from "./deploy/deployer";
import type { Dispatcher } from "./dispatch/dispatcher";
import { createLocalDispatcher } from "./dispatch/local-dispatcher";
import { createPoolDispatcher } from "./dispatch/pool-dispatcher";
import { DeadLetterQueue } from "./dlq/dead-letter-queue";
import { createDlqMetrics } from "./dlq/dlq-metrics";
import { writeBehindObserver } from "./execution/durable-executions";
import { InvocationEngine } from "./execution/engine";
import type { EngineObserver } from "./execution/engine-observer";
import type { Invoker } from "./execution/invoker";
import { createInMemoryExecutionStore } from "./execution/execution-store";
import { createInMemoryIdempotencyStore } from "./execution/idempotency-store";
import { RetainedBytes } from "./execution/retained-bytes";
import type { RuntimeSettings } from "./execution/runtime-settings";
import { combineObservers } from "./observability/combine-observers";
import { FunctionStatsWindow } from "./observability/function-stats";
import { HealthState } from "./observability/health";
import { createUnexpectedErrorReporter } from "./observability/unexpected-errors";
import { registerStoreMetrics } from "./observability/store-metrics";
import { createCircuitRecorder } from "./observability/circuit-metrics";
import { Leadership } from "./ha/leadership";
import { createMemoryVersionRows } from "./store/memory/version-rows";
import { VersionHistory } from "./versions/version-history";
import { type Logger, silentLogger } from "./observability/logger";
import { createManagementApp } from "./observability/management-app";
import type { ControlPlaneMetrics } from "./observability/metrics";
import { createTelemetry } from "./observability/telemetry";
import { createInMemoryFunctionRegistry } from "./registry/function-registry";
import { createFunctionService, type FunctionService } from "./registry/function-service";
import { createMemoryStore } from "./store/memory/memory-store";
import type { DeadLetterRows, ExecutionRows, StateStore } from "./store/state-store";
import { createMemoryTriggerRows } from "./store/memory/trigger-rows";
import { CronScheduler } from "./triggers/cron/cron-scheduler";
import { engineFirer } from "./triggers/cron/engine-firer";
import { systemClock } from "./triggers/cron/schedule-clock";
import { createTriggerMetrics } from "./triggers/trigger-metrics";
import { TriggerActivity } from "./triggers/trigger-activity";
import { TriggerCatalog } from "./triggers/trigger-catalog";
import type { ScheduleClock } from "./triggers/cron/schedule-clock";
import { registerTenantRoutes } from "./api/routes/tenants";
import { createMemoryTenantRows } from "./store/memory/tenant-rows";
import { tenantOfKey } from "./tenants/tenant-key";
import { TenantRegistry } from "./tenants/tenant-registry";
import { chainFollower } from "./workflows/chain-follower";
import { createChainMetrics } from "./workflows/chain-metrics";
import { TenantAdmission } from "./tenants/tenant-admission";
import type { FunctionQueue } from "./queue/function-queue";
import { createWorkflowMetrics } from "./workflows/workflow-metrics";
import { WorkflowService } from "./workflows/workflow-service";

export interface ControlPlaneOptions {
  version: string;
  deployer?: Deployer;
  /** REMOTE (Job) dispatcher; without it REMOTE registrations are refused. */
  remoteDispatcher?: Dispatcher;
  registry?: Registry;
  /** Extra engine observer (the OTLP tracer, test probes); metrics and logs are always wired. */
  observer?: EngineObserver;
  /** Structured logger; silent when omitted (tests). */
  logger?: Logger;
  extensions?: ((app: OpenAPIHono) => void)[];
  /**
   * Where functions, executions, idempotency keys and dead letters are persisted (create-store.ts
   * picks it from the config in main.ts). Default: a fresh memory store, so tests touch no disk.
   */
  store?: StateStore;
  /** Where dead letters are kept; the store's `dlq` when omitted. */
  deadLetterRows?: DeadLetterRows;
  /** Where `GET /v1/executions` reads; the store's `executions` when omitted. */
  executionHistory?: Pick<ExecutionRows, "list" | "flush">;
  /** Callback token signer shared with the REMOTE dispatcher (made from the config when omitted). */
  callbacks?: CallbackTokens;
  /**
   * Whether this control plane is the leader (issue 20, src/ha): only the leader fires cron
   * schedules. main.ts passes the elected one; without it this control plane always leads.
   */
  leadership?: Leadership;
  /** The cron scheduler's clock and timers (tests pass a manual one). */
  cronClock?: ScheduleClock;
  /** The web console's assets (main.ts passes the ones built into the binary); absent, no `/ui`. */
  console?: ConsoleAssetLoader;
}

export interface ControlPlane {
  app: OpenAPIHono;
  /** What the API listener serves: the invoke fast path in front of the app. */
  fetch: FetchHandler;
  management: Hono;
  engine: InvocationEngine;
  functions: FunctionService;
  deadLetters: DeadLetterQueue;
  health: HealthState;
  /** Whether this replica leads (the singletons' gate), and its replica id (issue 20). */
  leadership: Leadership;
  settings: RuntimeSettings;
  metricsRegistry: Registry;
  metrics: ControlPlaneMetrics;
  runtimeConfig: RuntimeConfigService;
  logger: Logger;
  deployer?: Deployer;
  store: StateStore;
  /** API keys, the audit log, callback tokens (issue 18); `auth.apiKeys.load` runs before serving. */
  auth: AuthParts;
  /** Fires functions' cron schedules once `start()`ed (main.ts, after start-up recovery). */
  cron: CronScheduler;
  /** Workflow definitions and runs (issue 23); `workflows.resume()` runs after start-up recovery. */
  workflows: WorkflowService;
  /** What each trigger did last; the message-queue consumers (main.ts) report into it. */
  triggerActivity: TriggerActivity;
  /** Tenants and their quotas (issue 19); `tenants.load` runs before serving (main.ts). */
  tenants: TenantRegistry;
}

export function runtimeSettingsFrom(config: Config): RuntimeSettings {
  return {
    rateMaxPerSecond: config.rateMaxPerSecond,
    syncQueueEnabled: config.syncQueueEnabled,
    syncQueueAdmissionEnabled: config.syncQueueAdmissionEnabled,
    syncQueueMaxEstimatedWaitMs: config.syncQueueMaxEstimatedWaitMs,
    syncQueueMaxQueueWaitMs: config.syncQueueMaxQueueWaitMs,
    syncQueueRetryAfterSeconds: config.syncQueueRetryAfterSeconds,
  };
}

export function createControlPlane(config: Config, options: ControlPlaneOptions): ControlPlane {
  const settings = runtimeSettingsFrom(config);
  const metricsRegistry = options.registry ?? new Registry();
  const { deployer } = options;
  const logger = options.logger ?? silentLogger();
  const store = options.store ?? createMemoryStore();
  const leadership = options.leadership ?? new Leadership("none");
  const telemetry = createTelemetry({
    registry: metricsRegistry,
    version: options.version,
    logger,
    queues: () => engine.queueStats(),
    referenceQuantiles: config.metricsReferenceQuantiles,
    observer: options.observer,
  });
  // Backs the admin runtime-config API (its routes are registered below when enabled).
  const runtimeConfig = new RuntimeConfigService({ settings, metrics: telemetry.metrics.runtimeConfig, logger });
  const auth = createAuthParts(config, { store, logger, callbacks: options.callbacks });
  const pool = createPoolDispatcher({
    maxResponseBytes: config.maxResponseBytes,
    maxJsonDepth: config.maxJsonDepth,
    // Warm pods that call back need their attempt's token once callbacks are checked (auth on).
    callbackToken: auth.guard ? (executionId, attempt) => auth.callbacks.issue(executionId, attempt) : undefined,
  });
  const remoteUnavailable: Dispatcher = {
    dispatch: async () => ({
      ok: false,
      error: { code: "REMOTE_ERROR", message: "REMOTE mode needs the k8s deployment backend" },
      coldStart: false,
      initDurationMs: null,
    }),
  };
  registerStoreMetrics(metricsRegistry, () => store.poisonRows?.() ?? 0);
  const dlqRows = options.deadLetterRows ?? store.dlq;
  const deadLetters: DeadLetterQueue = new DeadLetterQueue({
    rows: dlqRows,
    // Replays go through the engine built below (the DLQ observes it, so it is created first).
    invoker: {
      enqueue: (name, request, invokeOptions) => engine.enqueue(name, request, invokeOptions),
    },
    metrics: createDlqMetrics(metricsRegistry, () => dlqRows.sizes()),
    logger,
  });
  const triggerRows = store.triggers ?? createMemoryTriggerRows();
  const triggerMetrics = createTriggerMetrics(metricsRegistry);
  const triggerActivity = new TriggerActivity();
  const cron = new CronScheduler({
    rows: triggerRows.schedules,
    clock: options.cronClock ?? systemClock,
    // The engine is built below; fires only happen after start(), long after.
    firer: engineFirer(() => engine),
    missedFireGraceMs: config.cronMissedFireGraceMs,
    isLeader: leadership.isLeader,
    metrics: triggerMetrics,
    activity: triggerActivity,
    logger,
  });
  const retained = new RetainedBytes(config.maxRetainedBytes, config.syncQueueRetryAfterSeconds);
  const executions = createInMemoryExecutionStore(
    {
      ttlMs: config.executionTtlMs,
      cleanupTtlMs: config.executionCleanupTtlMs,
      maxLifetimeMs: config.executionMaxLifetimeMs,
    },
    (record) => retained.release(record),
  );
  // Each tenant's quotas at admission and dispatch; the registry (below) tells it of changes.
  const tenantAdmission = new TenantAdmission<FunctionQueue>(
    (tenant) => tenants.quotas(tenant),
    (queue) => engine.wakeFunction(queue.name),
    () => settings.syncQueueRetryAfterSeconds,
  );
  const engine = new InvocationEngine({
    settings,
    syncMaxDepth: config.syncQueueMaxDepth,
    throughputWindowMs: config.syncQueueThroughputWindowMs,
    throughputMinSamples: config.syncQueuePerFunctionMinSamples,
    jobStartupAllowanceMs: config.jobStartupAllowanceMs,
    dispatchers: {
      LOCAL: createLocalDispatcher(),
      POOL: pool,
      DEPLOYMENT: pool,
      REMOTE: options.remoteDispatcher ?? remoteUnavailable,
    },
    replicas: deployer && {
      ready: (name) => deployer.readyReplicas(name) > 0,
      pick: (name) => deployer.pickEndpoint(name),
      failure: (name) => deployer.replicaError?.(name),
    },
    store: executions,
    idempotency: createInMemoryIdempotencyStore(),
    retained,
    durable: {
      executions: store.executions,
      idempotency: store.idempotency,
      retentionMs: config.executionTtlMs,
      outlivesProcess: store.kind !== "memory",
    },
    // The budget first: it must charge an output before anything else looks at (or records) the record.
    observer: combineObservers(
      retained.observer,
      writeBehindObserver(store.executions),
      telemetry.observer,
      deadLetters.observer,
      { onFinished: (record) => cron.executionFinished(record.id) },
      chainFollower({
        invoker: (): Pick<Invoker, "enqueue"> => engine,
        maxDepth: config.maxChainDepth,
        metrics: createChainMetrics(metricsRegistry),
        logger,
      }),
    ),
    reportError: (error, what) => logger.error({ err: error }, `${what} failed`),
    bulkhead: { maxTotalInFlight: config.maxTotalInflight, maxTotalJobs: config.maxTotalJobs },
    tenants: tenantAdmission,
    onCircuitTransition: createCircuitRecorder(metricsRegistry, logger),
  });
  deployer?.onReadyChange((name) => engine.wakeFunction(name));
  deployer?.onReplicaFailure?.((name, error) => engine.replicasFailed(name, error));
  const functions = createFunctionService({
    registry: createInMemoryFunctionRegistry(),
    defaults: {
      timeoutMs: config.defaultTimeoutMs,
      concurrency: config.defaultConcurrency,
      queueSize: config.defaultQueueSize,
      maxRetries: config.defaultMaxRetries,
      scaling: {
        minReplicas: config.scalingDefaultMinReplicas,
        maxReplicas: config.scalingDefaultMaxReplicas,
        upscaleCooldownMs: config.concurrencyUpscaleCooldownMs,
        downscaleCooldownMs: config.concurrencyDownscaleCooldownMs,
        highLoadThreshold: config.concurrencyHighLoadThreshold,
        lowLoadThreshold: config.concurrencyLowLoadThreshold,
      },
    },
    deployer,
    persisted: store.functions,
    history: new VersionHistory({
      rows: store.versions ?? createMemoryVersionRows(),
      retention: config.maxFunctionVersions,
    }),
    remoteAvailable: options.remoteDispatcher !== undefined,
    maxReplicas: config.maxReplicas,
    maxFunctions: config.maxFunctions,
    maxChainDepth: config.maxChainDepth,
    logger,
    traffic: {
      routing: engine,
      listeners: [engine, telemetry.lifecycle],
      reportError: (error, what) => logger.error({ err: error }, `${what} failed`),
    },
    // The tenant registry is built just below; registrations only happen after.
    maxFunctionsOf: (tenant) => tenants.quotas(tenant)?.maxFunctions,
    listeners: [
      engine,
      telemetry.lifecycle,
      cron,
      { onRegistered: () => undefined, onRemoved: (fn) => triggerActivity.forgetFunction(fn.name) },
    ],
  });
  const ownedBy = (tenant: string) => functions.list().filter((fn) => tenantOfKey(fn.name) === tenant);
  const tenants = new TenantRegistry({
    rows: store.tenants ?? createMemoryTenantRows(),
    ownership: {
      functionCount: (tenant) => ownedBy(tenant).length,
      deleteFunctions: async (tenant) => {
        for (const fn of ownedBy(tenant)) await functions.remove(fn.name);
      },
    },
    listeners: [(tenant, quotas) => tenantAdmission.setQuotas(tenant, quotas)],
  });
  const webhooks = new WebhookService({
    rows: triggerRows.webhooks,
    invoker: () => engine,
    functionExists: (name) => functions.get(name) !== undefined,
    secretOverlapMs: config.webhookSecretOverlapMs,
    parseBody: (text) => parseJsonBody(text, config.maxJsonDepth),
    metrics: triggerMetrics,
    activity: triggerActivity,
  });
  const triggerCatalog = new TriggerCatalog({
    functions: () => functions.list(),
    cron,
    webhooks,
    activity: triggerActivity,
  });
  const workflows = new WorkflowService({
    rows: store.workflows,
    // Steps are sync invocations through the engine (its admission, retries and timeouts apply).
    invoker: () => engine,
    functionExists: (name) => functions.get(name) !== undefined,
    metrics: createWorkflowMetrics(metricsRegistry),
    logger,
  });
  const health = new HealthState(() => store.healthy());
  const gate = createAuthGate({ guard: auth.guard, audit: auth.audit, tenantExists: (t) => tenants.has(t) });
  const reportUnexpected = createUnexpectedErrorReporter(logger);
  const stats = new FunctionStatsWindow();
  const readStats = () => stats.read(telemetry.metrics.functions.byName.values(), engine.queueStats());
  const consoleAssets = options.console;
  const app = createApp({
    // NANOFAAS_CRD_MODE=source: the API reads and scales functions; Function resources define them.
    functions: config.crdMode === "source" ? apiViewForSourceMode(functions) : functions,
    replicas: deployer && {
      ready: (name) => deployer.readyReplicas(name),
      desired: (name) => deployer.desiredReplicas?.(name),
      lastError: (name) => deployer.replicaError?.(name),
    },
    logs: deployer?.logs,
    triggers: triggerCatalog,
    invoker: engine,
    circuits: engine,
    deadLetters,
    executionHistory: options.executionHistory ?? store.executions,
    version: options.version,
    maxBodyBytes: config.maxBodyBytes,
    maxJsonDepth: config.maxJsonDepth,
    apiDocsEnabled: config.apiDocsEnabled,
    home: consoleAssets ? "/ui" : undefined,
    middleware: [telemetry.http.middleware],
    authenticate: gate.middleware,
    onUnexpectedError: reportUnexpected,
    extensions: [
      (a: OpenAPIHono) => registerApiKeyRoutes(a, auth.apiKeys),
      (a: OpenAPIHono) => registerAuditRoutes(a, auth.auditRows),
      (a: OpenAPIHono) => registerTenantRoutes(a, tenants, (tenant) => ownedBy(tenant).length),
      ...(config.adminRuntimeConfigEnabled
        ? [(a: OpenAPIHono) => registerAdminRuntimeConfigRoutes(a, runtimeConfig)]
        : []),
      (a: OpenAPIHono) => registerScheduleRoutes(a, cron, functions),
      (a: OpenAPIHono) => registerWebhookRoutes(a, webhooks, config.maxBodyBytes),
      (a: OpenAPIHono) =>
        registerWorkflowRoutes(a, config.crdMode === "source" ? workflowsViewForSourceMode(workflows) : workflows),
      (a: OpenAPIHono) => registerFunctionStatsRoutes(a, readStats),
      ...(consoleAssets ? [(a: OpenAPIHono) => registerConsoleRoutes(a, consoleAssets)] : []),
      (a: OpenAPIHono) => registerTriggerRoutes(a, triggerCatalog),
      ...(options.extensions ?? []),
    ],
  });
  const management = createManagementApp({
    health,
    registry: metricsRegistry,
    metricsToken: config.metricsToken,
    leadership,
  });
  const fetch = createFastInvokeHandler({
    invoker: engine,
    maxBodyBytes: config.maxBodyBytes,
    maxJsonDepth: config.maxJsonDepth,
    fallback: app.fetch,
    checkInvoke: gate.checkInvoke,
    onServed: telemetry.http.served,
    onUnexpectedError: reportUnexpected,
  });
  return {
    app,
    fetch,
    management,
    engine,
    functions,
    deadLetters,
    health,
    leadership,
    settings,
    metricsRegistry,
    metrics: telemetry.metrics,
    runtimeConfig,
    logger,
    deployer,
    store,
    auth,
    cron,
    workflows,
    triggerActivity,
    tenants,
  };
}
