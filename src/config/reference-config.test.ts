/**
 * The Java reference's configuration starts nanofaas (issue 15.1): its settings that mean something
 * here are honoured under every spelling it accepted, the others are named in ONE warning, other
 * programs' variables are ignored, and unknown names warn (fatal only in strict mode).
 */
import { describe, expect, test } from "bun:test";
import { type Config, ConfigError, loadConfig, loadConfigWithWarnings } from "./config";
import { inertReferenceSettings, otherProgramVariables } from "./reference-variables";

const REFERENCE_HELM_EXTRA_ENV = {
  NANOFAAS_SYNC_QUEUE_ENABLED: "true",
  NANOFAAS_SYNC_QUEUE_MAX_CONCURRENCY: "1",
  SYNC_QUEUE_PER_FUNCTION_MIN_SAMPLES: "1",
};

describe("the reference's Helm extraEnv", () => {
  test("starts, honours what it can, and warns once about the rest", () => {
    const { config, warnings } = loadConfigWithWarnings(REFERENCE_HELM_EXTRA_ENV);
    expect(config.syncQueueEnabled).toBe(true);
    expect(config.syncQueuePerFunctionMinSamples).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("NANOFAAS_SYNC_QUEUE_MAX_CONCURRENCY");
    expect(warnings[0]).toContain("each function's concurrency");
  });
});

describe("reference settings with a meaning here are honoured, under each spelling", () => {
  test.each<[string, string, keyof Config, unknown]>([
    ["NANOFAAS_SYNC_QUEUE_ENABLED", "false", "syncQueueEnabled", false],
    ["SYNCQUEUE_ENABLED", "false", "syncQueueEnabled", false],
    ["SYNCQUEUE_MAXESTIMATEDWAIT", "5s", "syncQueueMaxEstimatedWaitMs", 5000],
    ["NANOFAAS_SYNC_QUEUE_MAX_QUEUE_WAIT", "PT3S", "syncQueueMaxQueueWaitMs", 3000],
    ["SYNC_QUEUE_PER_FUNCTION_MIN_SAMPLES", "50", "syncQueuePerFunctionMinSamples", 50],
    ["SYNCQUEUE_PERFUNCTIONMINSAMPLES", "7", "syncQueuePerFunctionMinSamples", 7],
    ["NANOFAAS_SCALING_DEFAULTMINREPLICAS", "2", "scalingDefaultMinReplicas", 2],
    ["NANOFAAS_SCALING_DEFAULT_MIN_REPLICAS", "0", "scalingDefaultMinReplicas", 0],
    ["NANOFAAS_SCALING_DEFAULTMAXREPLICAS", "20", "scalingDefaultMaxReplicas", 20],
    ["NANOFAAS_SCALING_CONCURRENCYUPSCALECOOLDOWNMS", "1000", "concurrencyUpscaleCooldownMs", 1000],
    ["NANOFAAS_SCALING_CONCURRENCY_DOWNSCALE_COOLDOWN_MS", "2000", "concurrencyDownscaleCooldownMs", 2000],
    ["NANOFAAS_SCALING_CONCURRENCYHIGHLOADTHRESHOLD", "0.9", "concurrencyHighLoadThreshold", 0.9],
    ["NANOFAAS_SCALING_CONCURRENCY_LOW_LOAD_THRESHOLD", "0.1", "concurrencyLowLoadThreshold", 0.1],
    ["NANOFAAS_CONTAINERLOCAL_READINESSTIMEOUT", "45s", "readinessTimeoutMs", 45_000],
    ["NANOFAAS_CONTAINER_LOCAL_READINESS_TIMEOUT", "PT5S", "readinessTimeoutMs", 5000],
    ["NANOFAAS_READINESS_TIMEOUT_MS", "1500", "readinessTimeoutMs", 1500],
  ])("%s=%s → %s", (name, value, key, expected) => {
    const { config, warnings } = loadConfigWithWarnings({ [name]: value });
    expect(config[key] as unknown).toEqual(expected);
    expect(warnings).toEqual([]);
  });

  test("defaults are the reference's hard-coded values", () => {
    const c = loadConfig({});
    expect([c.scalingDefaultMinReplicas, c.scalingDefaultMaxReplicas]).toEqual([1, 10]);
    expect([c.concurrencyUpscaleCooldownMs, c.concurrencyDownscaleCooldownMs]).toEqual([30_000, 60_000]);
    expect([c.concurrencyHighLoadThreshold, c.concurrencyLowLoadThreshold]).toEqual([0.85, 0.35]);
  });

  test.each([
    [
      { NANOFAAS_SCALING_DEFAULTMINREPLICAS: "5", NANOFAAS_SCALING_DEFAULTMAXREPLICAS: "3" },
      "NANOFAAS_SCALING_DEFAULT_MIN_REPLICAS",
    ],
    [{ NANOFAAS_SCALING_DEFAULTMAXREPLICAS: "60" }, "NANOFAAS_MAX_REPLICAS"],
    [
      { NANOFAAS_SCALING_CONCURRENCYLOWLOADTHRESHOLD: "0.9", NANOFAAS_SCALING_CONCURRENCYHIGHLOADTHRESHOLD: "0.5" },
      "LOW_LOAD_THRESHOLD",
    ],
    [{ NANOFAAS_CONTAINERLOCAL_READINESSTIMEOUT: "soon" }, "NANOFAAS_CONTAINERLOCAL_READINESSTIMEOUT"],
    [{ NANOFAAS_READINESS_TIMEOUT_MS: "2h" }, "NANOFAAS_READINESS_TIMEOUT_MS"],
  ])("contradictory or invalid values still fail, naming the variable: %p", (env, name) => {
    expect(() => loadConfig(env)).toThrow(name);
  });
});

describe("reference settings without a meaning here", () => {
  const rows = inertReferenceSettings().flatMap(({ names, why }) => names.map((name) => [name, why] as const));

  test("the table covers both Spring spellings of the settings the issue names", () => {
    const names = rows.map(([name]) => name);
    for (const name of [
      "NANOFAAS_HTTPCLIENT_READTIMEOUTMS",
      "NANOFAAS_HTTP_CLIENT_READ_TIMEOUT_MS",
      "NANOFAAS_HTTPCLIENT_CONNECTTIMEOUTMS",
      "NANOFAAS_HTTP_CLIENT_CONNECT_TIMEOUT_MS",
      "NANOFAAS_SYNC_QUEUE_MAX_CONCURRENCY",
      "NANOFAAS_CONTAINERLOCAL_RUNTIMEADAPTER",
      "NANOFAAS_CONTAINER_LOCAL_BIND_HOST",
    ]) {
      expect(names).toContain(name);
    }
  });

  test.each(rows)("%s is accepted with a warning that says why it does nothing", (name, why) => {
    const { config, warnings } = loadConfigWithWarnings({ [name]: "anything" });
    expect(config).toEqual(loadConfig({}));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(name);
    expect(warnings[0]).toContain(why);
  });

  test("several of them make ONE warning, and strict mode does not make them fatal", () => {
    const env = Object.fromEntries(rows.map(([name]) => [name, "x"]));
    const { warnings } = loadConfigWithWarnings({ ...env, NANOFAAS_CONFIG_STRICT: "true" });
    expect(warnings).toHaveLength(1);
    for (const [name] of rows) expect(warnings[0]).toContain(name);
  });
});

describe("variables of other nanofaas programs", () => {
  test.each(otherProgramVariables())("%s is ignored silently, even in strict mode", (name) => {
    expect(loadConfigWithWarnings({ [name]: "http://x", NANOFAAS_CONFIG_STRICT: "true" }).warnings).toEqual([]);
  });

  test("the ones the issue names are in the list", () => {
    expect(otherProgramVariables()).toEqual(
      expect.arrayContaining([
        "NANOFAAS_URL",
        "NANOFAAS_ENDPOINT",
        "NANOFAAS_NAMESPACE",
        "NANOFAAS_CONTROL_PLANE_MODULES",
      ]),
    );
  });
});

describe("unknown variables under our prefixes", () => {
  test("a near-miss of one of our names is a warning with the suggestion", () => {
    const { config, warnings } = loadConfigWithWarnings({ NANOFAAS_DEFAULTS_TIMEOUTM: "100" });
    expect(config.defaultTimeoutMs).toBe(30_000);
    expect(warnings).toEqual([
      expect.stringContaining(
        "NANOFAAS_DEFAULTS_TIMEOUTM: unknown setting (did you mean NANOFAAS_DEFAULTS_TIMEOUTMS?)",
      ),
    ]);
  });

  test("strict mode makes it fatal, with the same suggestion", () => {
    let error: unknown;
    try {
      loadConfig({ NANOFAAS_DEFAULTS_TIMEOUTM: "100", NANOFAAS_CONFIG_STRICT: "true" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("did you mean NANOFAAS_DEFAULTS_TIMEOUTMS");
  });

  test("inert, unknown and other programs' variables together: two warnings, nothing about the others", () => {
    const { warnings } = loadConfigWithWarnings({
      NANOFAAS_HTTPCLIENT_READTIMEOUTMS: "1",
      SYNC_QUEUE_MAX_DEPHT: "3",
      NANOFAAS_URL: "http://x",
    });
    expect(warnings).toHaveLength(2);
    expect(warnings.join("\n")).not.toContain("NANOFAAS_URL");
    expect(warnings[1]).toContain("did you mean SYNC_QUEUE_MAX_DEPTH");
  });
});

describe("docs/configuration.md", () => {
  test("names every inert reference setting and every silently ignored variable", async () => {
    const text = await Bun.file(new URL("../../docs/configuration.md", import.meta.url)).text();
    // The docs use the `_`-separated spelling (the last one springEnvNames lists).
    for (const { names } of inertReferenceSettings()) expect(text).toContain(`\`${names.at(-1)}\``);
    for (const name of otherProgramVariables()) expect(text).toContain(`\`${name}\``);
  });
});
