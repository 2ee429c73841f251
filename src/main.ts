/**
 * nanofaas control plane — the composition root. The only module that reads process.env, binds
 * ports, starts timers and handles signals (ARCHITECTURE.md, house style 1).
 */
import { ConfigError, type Config, loadConfig, resolveDeploymentBackend } from "./config/config";
import { type ControlPlane, createControlPlane } from "./control-plane";
import { createDeployer } from "./deploy/create-deployer";
import { VERSION } from "./version";

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
const JANITOR_INTERVAL_MS = 60_000;

function log(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: "info", event, ...fields })}\n`);
}

function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`nanofaas: ${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const backend = resolveDeploymentBackend(config);
  const deployer = await createDeployer(backend, config);
  const cp = createControlPlane(config, { version: VERSION, deployer });

  const api = Bun.serve({
    hostname: config.bindHost,
    port: config.serverPort,
    // Sync invocations may wait up to 900 s; Bun caps idleTimeout at 255 s, so invoke requests
    // switch their own timer off (below) and everything else keeps the cap.
    idleTimeout: 255,
    maxRequestBodySize: config.maxBodyBytes + 1024,
    fetch(request, server) {
      if (request.method === "POST") server.timeout(request, 0);
      return cp.fetch(request, server);
    },
  });
  const management = Bun.serve({ hostname: config.bindHost, port: config.managementPort, fetch: cp.management.fetch });
  log("started", { version: VERSION, api: api.url.href, management: management.url.href, backend });

  cp.health.phase = "ready";
  const janitor = setInterval(() => cp.engine.sweep(), JANITOR_INTERVAL_MS);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(janitor);
    await shutdown(cp, config, signal);
    await api.stop();
    await management.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

/** SPEC §4: readiness 503 first, stop admitting, let queued and running work finish within the grace. */
async function shutdown(cp: ControlPlane, config: Config, signal: string): Promise<void> {
  log("draining", { signal, pending: cp.engine.pendingCount(), graceMs: config.shutdownGraceMs });
  cp.health.phase = "draining";
  cp.engine.stopAdmitting();
  const deadline = Date.now() + config.shutdownGraceMs;
  while (cp.engine.pendingCount() > 0 && Date.now() < deadline) await Bun.sleep(25);
  const failed = cp.engine.failPending("SHUTDOWN", "The control plane shut down before the execution finished");
  // Give sync callers whose executions just ended a moment to receive their responses.
  await Bun.sleep(50);
  await cp.deployer?.close();
  cp.health.phase = "stopped";
  log("stopped", { failed });
}

await main();
