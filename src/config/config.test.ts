import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig, resolveDeploymentBackend, resolveNamespace } from "./config";

const failure = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected loadConfig to fail");
};

describe("loadConfig", () => {
  test("defaults follow the reference", () => {
    const c = loadConfig({});
    expect(c.serverPort).toBe(8080);
    expect(c.managementPort).toBe(8081);
    expect(c.defaultTimeoutMs).toBe(30_000);
    expect(c.defaultConcurrency).toBe(4);
    expect(c.defaultQueueSize).toBe(100);
    expect(c.defaultMaxRetries).toBe(3);
    expect(c.rateMaxPerSecond).toBe(1_000_000);
    expect(c.executionTtlMs).toBe(300_000);
    expect(c.executionCleanupTtlMs).toBe(120_000);
    expect(c.executionMaxLifetimeMs).toBe(1_800_000);
    expect(c.syncQueueEnabled).toBe(true);
    expect(c.syncQueueMaxEstimatedWaitMs).toBe(2000);
    expect(c.syncQueueRetryAfterSeconds).toBe(2);
    expect(c.maxResponseBytes).toBe(16 * 1024 * 1024);
    expect(c.maxBodyBytes).toBe(6 * 1024 * 1024);
  });

  test("reads canonical and legacy spellings", () => {
    expect(loadConfig({ NANOFAAS_EXECUTIONSTORE_TTL: "10m" }).executionTtlMs).toBe(600_000);
    expect(loadConfig({ NANOFAAS_EXECUTION_STORE_TTL: "PT30S" }).executionTtlMs).toBe(30_000);
    expect(loadConfig({ SYNCQUEUE_ENABLED: "false" }).syncQueueEnabled).toBe(false);
  });

  test.each([
    [{ SERVER_PORT: "http" }, "SERVER_PORT"],
    [{ NANOFAAS_DEFAULTS_CONCURRENCY: "0" }, "NANOFAAS_DEFAULTS_CONCURRENCY"],
    [{ SYNC_QUEUE_ENABLED: "maybe" }, "SYNC_QUEUE_ENABLED"],
    [{ SYNC_QUEUE_MAX_QUEUE_WAIT: "soon" }, "SYNC_QUEUE_MAX_QUEUE_WAIT"],
    [{ NANOFAAS_DEPLOYMENT_BACKEND: "nomad" }, "NANOFAAS_DEPLOYMENT_BACKEND"],
  ])("an invalid value names its variable: %p", (env, name) => {
    expect(failure(env)).toContain(name);
  });

  test("a typo in a variable name fails loudly with a suggestion in strict mode (reference-config.test.ts: a warning otherwise)", () => {
    const message = failure({ NANOFAAS_DEFAULTS_TIMEOUTM: "100", NANOFAAS_CONFIG_STRICT: "true" });
    expect(message).toContain("NANOFAAS_DEFAULTS_TIMEOUTM: unknown setting");
    expect(message).toContain("did you mean NANOFAAS_DEFAULTS_TIMEOUTMS");
  });

  test("NANOFAAS_SOURCE_* variables (event-source URLs, docs/triggers.md) are not typos, even in strict mode", () => {
    expect(() =>
      loadConfig({ NANOFAAS_SOURCE_ORDERS: "nats://127.0.0.1:4222", NANOFAAS_CONFIG_STRICT: "true" }),
    ).not.toThrow();
  });

  test("every problem is reported at once", () => {
    const message = failure({ SERVER_PORT: "x", MANAGEMENT_SERVER_PORT: "y" });
    expect(message).toContain("SERVER_PORT");
    expect(message).toContain("MANAGEMENT_SERVER_PORT");
  });
});

describe("derived settings", () => {
  test("backend: explicit, else k8s inside a cluster, else process", () => {
    expect(resolveDeploymentBackend(loadConfig({}))).toBe("process");
    expect(resolveDeploymentBackend(loadConfig({ KUBERNETES_SERVICE_HOST: "10.0.0.1" }))).toBe("k8s");
    expect(
      resolveDeploymentBackend(
        loadConfig({ KUBERNETES_SERVICE_HOST: "10.0.0.1", NANOFAAS_DEPLOYMENT_BACKEND: "none" }),
      ),
    ).toBe("none");
  });
  test("namespace: explicit, then POD_NAMESPACE, then default", () => {
    expect(resolveNamespace(loadConfig({}))).toBe("default");
    expect(resolveNamespace(loadConfig({ POD_NAMESPACE: "nanofaas" }))).toBe("nanofaas");
    expect(resolveNamespace(loadConfig({ POD_NAMESPACE: "a", NANOFAAS_K8S_NAMESPACE: "b" }))).toBe("b");
  });
});

describe("docs/configuration.md", () => {
  test("its settings table matches the code (run `just docs`)", async () => {
    const { renderConfigTable } = await import("./config-docs");
    const text = await Bun.file(new URL("../../docs/configuration.md", import.meta.url)).text();
    expect(text).toContain(renderConfigTable());
  });
});

describe("limits and safety settings (SPEC-platform §10)", () => {
  test("defaults: loopback, 50 replicas, 1000 functions, 256 MiB retained, nothing allowed, no drain delay", () => {
    const c = loadConfig({});
    expect(c.bindHost).toBe("127.0.0.1");
    expect(c.maxReplicas).toBe(50);
    expect(c.maxFunctions).toBe(1000);
    expect(c.maxRetainedBytes).toBe(256 * 1024 * 1024);
    expect(c.processAllowedCommands).toEqual([]);
    expect(c.shutdownDrainDelayMs).toBe(0);
  });
  test("the allow-list is comma-separated, blanks dropped", () => {
    expect(loadConfig({ NANOFAAS_PROCESS_ALLOWED_COMMANDS: " python3, ./bin/fn ,," }).processAllowedCommands).toEqual([
      "python3",
      "./bin/fn",
    ]);
  });
  test.each([
    "NANOFAAS_MAX_REPLICAS",
    "NANOFAAS_MAX_FUNCTIONS",
    "NANOFAAS_MAX_RETAINED_BYTES",
    "NANOFAAS_SHUTDOWN_DRAIN_DELAY_MS",
  ])("%s rejects a negative value", (name) => expect(failure({ [name]: "-1" })).toContain(name));
});
