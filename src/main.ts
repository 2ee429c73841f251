/**
 * nanofaas control plane — the composition root. The only module that reads process.env, binds
 * ports, starts timers and handles signals (ARCHITECTURE.md, house style 1).
 */
import { apiServeOptions } from "./api/listener";
import { ReloadingTlsServer, TLS_CHECK_INTERVAL_MS } from "./api/tls-listener";
import {
  ConfigError,
  type Config,
  type LoadedConfig,
  loadConfigWithWarnings,
  resolveDeploymentBackend,
} from "./config/config";
import { type ControlPlane, createControlPlane } from "./control-plane";
import { createDeployer } from "./deploy/create-deployer";
import { kubernetesCallbackUrl } from "./deploy/k8s/callback-url";
import { createJobDispatcher, isJobLauncher } from "./dispatch/job-dispatcher";
import { combineObservers } from "./observability/combine-observers";
import { createLeaderElection } from "./ha/create-elector";
import { defaultReplicaId } from "./ha/leadership";
import { createAutoscaler } from "./scaling/autoscaler";
import { closeLogger, createLogger, type Logger, stdoutDestination } from "./observability/logger";
import type { OtlpTracing } from "./observability/otlp-tracing";
import { registerProcessMetrics } from "./observability/process-metrics";
import { createShutdown } from "./observability/shutdown";
import { isLoopbackAddress } from "./lib/bind-address";
import { ApiKeysFileError, readApiKeysFile } from "./auth/api-keys-file";
import { readTenantsFile, TenantsFileError } from "./tenants/tenants-file";
import { CallbackTokens } from "./auth/callback-token";
import { VERSION } from "./lib/version";
import { createStore, StoreStartupError } from "./store/create-store";
import type { StateStore } from "./store/state-store";
import { recoverState } from "./registry/recover-state";
import { startReplicaSync } from "./registry/replica-sync";
import { startEventSources } from "./triggers/message-queues/start-event-sources";
import { TerminalWaiter } from "./triggers/message-queues/terminal-waiter";

/** Exit code for configuration errors (distinct from crashes, so scripts can tell them apart). */
const EXIT_CONFIG = 2;

// Flags are answered before any configuration is read, so they work anywhere (a scratch image).
const HELP = `nanofaas ${VERSION}: a small, fast Function-as-a-Service control plane.

Usage: nanofaas [--help | --version]

Configuration is environment variables only (docs/configuration.md). API on SERVER_PORT (8080),
health and metrics on MANAGEMENT_SERVER_PORT (8081); NANOFAAS_DEPLOYMENT_BACKEND picks where
DEPLOYMENT functions run (k8s | docker | process | none). SIGTERM drains, then exits 0.
`;
const [flag] = process.argv.slice(2);
if (flag === "--version" || flag === "-v") {
  process.stdout.write(`nanofaas ${VERSION}\n`);
  process.exit(0);
}
if (flag !== undefined) {
  const known = flag === "--help" || flag === "-h";
  (known ? process.stdout : process.stderr).write(known ? HELP : `nanofaas: unknown argument '${flag}'\n\n${HELP}`);
  process.exit(known ? 0 : EXIT_CONFIG);
}
/**
 * The retention janitor runs every tenth of the shortest retention (between 1 s and 60 s): with
 * the reference's fixed minute, a short TTL under steady load made memory a sawtooth.
 */
const janitorIntervalMs = (config: Config) =>
  Math.min(60_000, Math.max(1000, Math.min(config.executionTtlMs, config.executionCleanupTtlMs) / 10));

function readConfig(): LoadedConfig {
  try {
    return loadConfigWithWarnings(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`nanofaas: ${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}

async function main(): Promise<void> {
  const { config, warnings } = readConfig();
  const backend = resolveDeploymentBackend(config);
  const logger = createLogger({ level: config.logLevel, destination: stdoutDestination() });
  for (const warning of warnings) logger.warn(warning);
  // This process among the control planes sharing a PostgreSQL store (issue 20): the owner of the
  // executions it runs, and its name in the leader election.
  const replicaId = defaultReplicaId();
  const store = await openStore(config, logger, replicaId);
  // Who runs the singletons when several control planes share the PostgreSQL store.
  const { leadership, elector } = await createLeaderElection(config, replicaId, (event, fields) =>
    logger.warn(fields ?? {}, event),
  );
  leadership.onChange(({ leader, reason }) =>
    logger.info({ leader, reason, replicaId: leadership.replicaId }, leader ? "leading" : "following"),
  );
  const deployer = await createDeployer(backend, config, logger);
  // Tracing is loaded only when an endpoint is configured: no SDK, no hooks, no cost otherwise.
  let tracing: OtlpTracing | undefined;
  if (config.otlpEndpoint) {
    const { createOtlpTracing } = await import("./observability/otlp-tracing");
    tracing = createOtlpTracing({ endpoint: config.otlpEndpoint, serviceVersion: VERSION });
  }
  // The autoscaler works through the Deployer interface, so every backend gets it.
  const autoscaler =
    deployer &&
    createAutoscaler({
      replicas: deployer,
      defaultTargetInFlightPerPod: config.defaultTargetInFlightPerPod,
      log: (event, fields) => logger.info(fields ?? {}, event),
      // function_concurrency_controller_mode / function_target_inflight_per_pod follow each tick.
      onDecision: (name, _decision, concurrency) =>
        cp.metrics.functions.setConcurrencyControl(name, concurrency.mode, concurrency.target),
    });
  const callbacks = new CallbackTokens(config.callbackSecret);
  const remoteDispatcher = isJobLauncher(deployer)
    ? createJobDispatcher(deployer, {
        callbackUrl: kubernetesCallbackUrl(config),
        startupAllowanceMs: config.jobStartupAllowanceMs,
        callbackToken: (executionId, attempt) => callbacks.issue(executionId, attempt),
      })
    : undefined;
  // Message-queue consumers ack a message once its execution ends: they learn that from the engine.
  const terminalWaiter = new TerminalWaiter();
  const cp = createControlPlane(config, {
    version: VERSION,
    deployer,
    remoteDispatcher,
    logger,
    callbacks,
    store,
    leadership,
    observer: combineObservers(tracing?.observer, autoscaler?.observer, terminalWaiter.observer),
    // Imported on the first /ui request: from source, the assets are bundled then (a Bun macro).
    console: config.consoleEnabled ? () => import("./console/assets").then((m) => m.CONSOLE_ASSETS) : undefined,
  });
  registerProcessMetrics(cp.metricsRegistry);
  await loadApiKeys(cp, config, logger);
  await loadTenants(cp, config, store, logger);

  // Sync invocations switch their idle timer off once their body is read (api/listener.ts).
  const apiOptions = apiServeOptions(cp.fetch, { hostname: config.bindHost, port: config.serverPort });
  // NANOFAAS_TLS_CERT_FILE/KEY_FILE: HTTPS, with the files checked for a rotation every few seconds.
  const api =
    config.tlsCertFile && config.tlsKeyFile
      ? new ReloadingTlsServer(apiOptions, { certFile: config.tlsCertFile, keyFile: config.tlsKeyFile }, (e, f) =>
          logger.info(f ?? {}, e),
        )
      : listen("SERVER_PORT", apiOptions);
  const tlsCheck =
    api instanceof ReloadingTlsServer && setInterval(() => void api.checkForChange(), TLS_CHECK_INTERVAL_MS);
  const management = listen("MANAGEMENT_SERVER_PORT", {
    hostname: config.bindHost,
    port: config.managementPort,
    fetch: cp.management.fetch,
  });
  if (!isLoopbackAddress(config.bindHost) && config.authModes.length === 0) {
    // Only reachable with NANOFAAS_AUTH_ALLOW_ANONYMOUS=true (config refuses it otherwise).
    logger.warn(
      { bindHost: config.bindHost },
      "listening beyond loopback with NANOFAAS_AUTH=none (NANOFAAS_AUTH_ALLOW_ANONYMOUS=true): anyone who can reach this address can register and invoke functions",
    );
  }
  logger.info(
    {
      version: VERSION,
      api: api.url.href,
      docs: config.apiDocsEnabled ? new URL("docs", api.url).href : undefined,
      metrics: new URL("metrics", management.url).href,
      management: management.url.href,
      backend,
      tracing: config.otlpEndpoint !== undefined,
    },
    "started",
  );

  await deployer?.synced;
  // The process backend runs each spec's program on this host: skip those it cannot find.
  const declared = config.functionsDir
    ? await registerFunctionsFromDisk(cp, config.functionsDir, logger, backend === "process")
    : [];
  const devWatch = config.devWatch ? await startDevWatch(cp, declared, backend, logger) : undefined;
  // Functions, idempotency keys and unfinished executions from before the restart (issue 17).
  await recoverState(cp, logger);
  // After recovery: a message redelivered across a restart must find its execution's idempotency key.
  // Only NANOFAAS_SOURCE_* variables can be read (domain/event-sources.ts).
  const eventSources = startEventSources(cp, terminalWaiter, (name) => process.env[name]);
  // Cron fire state after the functions: a schedule fires only once its function is back.
  if (!store.triggers)
    logger.warn(
      { store: store.kind },
      "this state store keeps no trigger state: cron fire times and webhooks live in memory only",
    );
  if (!store.versions)
    logger.warn(
      { store: store.kind },
      "this state store keeps no function version history: versions live in memory only (docs/versions.md)",
    );
  await cp.cron.start();
  // Workflow runs left running by the previous process continue after their last completed step.
  const resumedRuns = await cp.workflows.resume();
  if (resumedRuns > 0) logger.info({ runs: resumedRuns }, "resumed workflow runs");
  // Function resources (NANOFAAS_CRD_MODE): after recovery, so API functions are known to the mirror.
  const operator = await startOperator(cp, config, logger, leadership.isLeader);
  const operatorResync =
    operator && setInterval(() => void operator.resync().catch(() => undefined), config.crdResyncIntervalMs);
  cp.health.phase = "ready";
  const janitor = setInterval(() => cp.engine.sweep(), janitorIntervalMs(config));
  // Store-wide retention deletes are singletons: on the leader only.
  const stopDlqSweep = cp.deadLetters.startSweeping(config.dlqRetentionMs, leadership.isLeader);
  // Audit retention (NANOFAAS_AUDIT_RETENTION): hourly, and once now.
  const sweepAudit = () => {
    if (!leadership.isLeader()) return;
    cp.auth.auditRows
      .sweep(Date.now() - config.auditRetentionMs)
      .catch((error) => logger.warn({ err: error }, "audit retention sweep failed"));
  };
  sweepAudit();
  const auditJanitor = setInterval(sweepAudit, 3_600_000);
  // Keys created or revoked by another control plane on the same store (NANOFAAS_API_KEYS_REFRESH).
  const stopKeyRefresh = cp.auth.apiKeys.startRefreshing(config.apiKeysRefreshMs, (error) =>
    logger.warn({ err: error }, "API key refresh failed; keeping the keys held"),
  );
  const scaling =
    autoscaler &&
    setInterval(() => {
      if (leadership.isLeader()) void autoscaler.tick(cp.engine);
    }, config.scalingPollIntervalMs);
  // After everything the leader runs exists: the first round may make this replica the leader.
  elector?.start();
  // Several control planes on one store: functions added elsewhere, work of replicas that are gone.
  const stopReplicaSync =
    elector &&
    startReplicaSync(
      {
        replicaId,
        store,
        functions: cp.functions,
        engine: cp.engine,
        isLeader: leadership.isLeader,
        logger,
        workflows: cp.workflows,
      },
      config.leaseRetryPeriodMs,
    );

  const shutdown = createShutdown({
    engine: cp.engine,
    health: cp.health,
    graceMs: config.shutdownGraceMs,
    drainDelayMs: config.shutdownDrainDelayMs,
    logger,
    closers: [
      // First: executions are terminal now, so each consumer acks or naks what it holds, then disconnects.
      { name: "event sources", close: () => eventSources.stopAll() },
      { name: "operator", close: () => operator?.stop() },
      // Hands the lease or lock over now, so another replica leads within one retry period.
      { name: "leader election", close: () => elector?.stop() },
      // Before the replicas stop: a file saved during shutdown must not start them again.
      { name: "dev watch", close: () => devWatch?.close() },
      { name: "deployer", close: () => deployer?.close() },
      { name: "tracing", close: () => tracing?.shutdown() },
      // Dead letters of the last failures are still being added: let them reach the store first.
      { name: "dlq", close: () => cp.deadLetters.settled() },
      // Last: every execution is terminal by now, and its final state must reach the disk.
      { name: "store", close: () => store.close() },
    ],
  });
  const stop = async (signal: string) => {
    const first = !shutdown.started;
    clearInterval(janitor);
    clearInterval(auditJanitor);
    stopKeyRefresh();
    clearInterval(scaling);
    stopReplicaSync?.();
    clearInterval(operatorResync);
    clearInterval(tlsCheck || undefined);
    stopDlqSweep();
    cp.cron.stop();
    await shutdown.begin(signal); // a second signal cuts the grace short
    if (!first) return;
    // Every execution is terminal: stop listening and let in-flight responses go out.
    await api.stop();
    await management.stop();
    await closeLogger(logger);
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

/** The configured state store; a store that cannot open is one clear line and exit 2, not a stack trace. */
async function openStore(config: Config, logger: Logger, replicaId: string): Promise<StateStore> {
  try {
    const store = await createStore(config, {
      logger,
      replicaId,
      onHealthChange: (healthy, error) =>
        healthy
          ? logger.info({ store: config.store }, "state store writable again")
          : logger.error(
              { store: config.store, err: error },
              "state store cannot persist: :enqueue answers 503 STORE_UNAVAILABLE, readiness 503",
            ),
    });
    if (store.kind === "memory") {
      logger.warn(
        "NANOFAAS_STORE=memory: functions, executions and queued invocations live in memory only; nothing survives a restart",
      );
    } else {
      logger.info(
        { store: store.kind, dataDir: store.kind === "sqlite" ? config.dataDir : undefined },
        "state store open",
      );
    }
    return store;
  } catch (error) {
    if (!(error instanceof StoreStartupError)) throw error;
    process.stderr.write(`nanofaas: ${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}

/** Bun.serve, except that a busy port is one line naming the setting and exit 2, not a stack trace. */
function listen<T>(setting: string, options: Bun.Serve.Options<T>): Bun.Server<T> {
  try {
    return Bun.serve(options);
  } catch (error) {
    if ((error as { code?: string }).code !== "EADDRINUSE") throw error;
    const where = `${options.hostname ?? "0.0.0.0"}:${options.port}`;
    process.stderr.write(
      `nanofaas: ${where} is already in use (${setting}); stop what listens there or set ${setting} to a free port\n`,
    );
    process.exit(EXIT_CONFIG);
  }
}

/** Bootstrap keys (NANOFAAS_API_KEYS_FILE) and stored keys; a broken file stops start-up (exit 2). */
async function loadApiKeys(cp: ControlPlane, config: Config, logger: Logger): Promise<void> {
  let fileKeys: Awaited<ReturnType<typeof readApiKeysFile>> = [];
  if (config.apiKeysFile) {
    try {
      fileKeys = await readApiKeysFile(config.apiKeysFile);
    } catch (error) {
      if (!(error instanceof ApiKeysFileError)) throw error;
      process.stderr.write(`nanofaas: ${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
  }
  await cp.auth.apiKeys.load(fileKeys);
  const modes = config.authModes.join(",") || "none";
  const keys = cp.auth.apiKeys.list().length;
  logger.info({ auth: modes, apiKeys: keys }, "authentication");
  if (config.authModes.includes("apikey") && keys === 0 && !config.authModes.includes("oidc"))
    logger.warn("NANOFAAS_AUTH=apikey but no API key exists: set NANOFAAS_API_KEYS_FILE (docs/security.md)");
}

/** Stored tenants, then NANOFAAS_TENANTS_FILE over them; a broken file stops start-up (exit 2). */
async function loadTenants(cp: ControlPlane, config: Config, store: StateStore, logger: Logger): Promise<void> {
  let fileTenants: Awaited<ReturnType<typeof readTenantsFile>> = [];
  if (config.tenantsFile) {
    try {
      fileTenants = await readTenantsFile(config.tenantsFile);
    } catch (error) {
      if (!(error instanceof TenantsFileError)) throw error;
      process.stderr.write(`nanofaas: ${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
  }
  if (!store.tenants)
    logger.warn({ store: store.kind }, "this state store keeps no tenants: tenants live in memory only");
  const changed = await cp.tenants.load(fileTenants);
  logger.info({ tenants: cp.tenants.list().length, fromFile: fileTenants.length, changed }, "tenants");
}

/** Registers the specs in NANOFAAS_FUNCTIONS_DIR; a broken spec stops start-up like a config error. */
async function registerFunctionsFromDisk(
  cp: ControlPlane,
  path: string,
  logger: Logger,
  hostPrograms: boolean,
): Promise<string[]> {
  try {
    // Loaded only when a functions directory is configured: the YAML parser costs start-up time.
    const { registerDeclarativeFunctions } = await import("./registry/declarative-functions");
    const result = await registerDeclarativeFunctions(cp.functions, path, (message) => logger.info({ path }, message), {
      hostPrograms,
    });
    return [...result.registered, ...result.existing];
  } catch (error) {
    process.stderr.write(`nanofaas: ${(error as Error).message}\n`);
    await cp.deployer?.close();
    process.exit(EXIT_CONFIG);
  }
}

/** NANOFAAS_DEV_WATCH: a declared function's replicas restart when one of its files changes. */
async function startDevWatch(
  cp: ControlPlane,
  names: string[],
  backend: string,
  logger: Logger,
): Promise<{ close(): void } | undefined> {
  const deployer = cp.deployer;
  if (backend !== "process" || !deployer) {
    logger.warn({ backend }, "NANOFAAS_DEV_WATCH needs the process backend (an image is rebuilt, not watched)");
    return undefined;
  }
  const { watchFunctionSources } = await import("./registry/dev-watch");
  return watchFunctionSources({
    functions: names.flatMap((name) => cp.functions.get(name) ?? []),
    // The function as registered now (an API PUT may have changed it); gone, nothing to restart.
    restart: async (fn) => {
      const current = cp.functions.get(fn.name);
      if (current) await deployer.provision(current);
    },
    log: (message) => logger.info({}, message),
    cwd: process.cwd(),
  });
}

await main();

/** The Function operator, loaded only when NANOFAAS_CRD_MODE asks for it (it brings the k8s client). */
async function startOperator(cp: ControlPlane, config: Config, logger: Logger, isLeader: () => boolean) {
  if (config.crdMode === "off") return undefined;
  const { startFunctionOperator } = await import("./operator/start");
  const parts = { functions: cp.functions, workflows: cp.workflows, deployer: cp.deployer, isLeader };
  return startFunctionOperator(config, parts, (event, fields) => logger.info(fields ?? {}, event));
}
