/**
 * The Deployment and Service of a DEPLOYMENT function, pinned field by field (reference
 * control-plane.md §6.2 plus the standard labels and the restricted securityContext).
 */
import { describe, expect, test } from "bun:test";
import type { FunctionSpec } from "../../domain/function-spec";
import { resolveFunction } from "../../domain/resolved-function";
import { buildDeployment, buildService } from "./workload";

const defaults = { timeoutMs: 30_000, concurrency: 4, queueSize: 100, maxRetries: 3 };
const fn = (spec: Partial<FunctionSpec>) =>
  resolveFunction({ name: "word-stats", image: "example/word-stats:1", ...spec }, defaults);
const options = {
  namespace: "fns",
  imagePullPolicy: "IfNotPresent" as const,
  callbackUrl: "http://control-plane.nanofaas.svc.cluster.local:8080/v1/internal/executions",
};

const labels = {
  app: "nanofaas",
  "app.kubernetes.io/name": "word-stats",
  "app.kubernetes.io/instance": "fn-word-stats",
  "app.kubernetes.io/component": "function",
  "app.kubernetes.io/part-of": "nanofaas",
  "app.kubernetes.io/managed-by": "nanofaas-control-plane",
  "nanofaas.io/function": "word-stats",
  function: "word-stats",
};
const prometheus = { "prometheus.io/scrape": "true", "prometheus.io/path": "/metrics", "prometheus.io/port": "8080" };

describe("buildDeployment", () => {
  test("a fully specified function", () => {
    const spec: Partial<FunctionSpec> = {
      command: ["/watchdog"],
      env: { LOG_LEVEL: "debug", WARM: "false", CALLBACK_URL: "http://evil", FUNCTION_NAME: "x" },
      resources: { cpu: "250m", memory: " 128Mi " },
      timeoutMs: 5000,
      runtimeMode: "STDIO",
      runtimeCommand: "python3 handler.py",
      scalingConfig: { minReplicas: 0, maxReplicas: 3 },
      imagePullSecrets: ["regcred", " ", " other "],
    };
    expect(buildDeployment(fn(spec), options)).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: "fn-word-stats",
        namespace: "fns",
        labels,
        annotations: { "nanofaas.io/function-name": "word-stats" },
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { function: "word-stats" } },
        template: {
          metadata: { labels, annotations: prometheus },
          spec: {
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 65532,
              runAsGroup: 65532,
              seccompProfile: { type: "RuntimeDefault" },
            },
            imagePullSecrets: [{ name: "regcred" }, { name: "other" }],
            restartPolicy: "Always",
            containers: [
              {
                name: "function",
                image: "example/word-stats:1",
                imagePullPolicy: "IfNotPresent",
                command: ["/watchdog"],
                ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
                // Reference order; reserved names from the user's env are dropped.
                env: [
                  { name: "FUNCTION_NAME", value: "word-stats" },
                  { name: "WARM", value: "true" },
                  { name: "TIMEOUT_MS", value: "5000" },
                  { name: "EXECUTION_MODE", value: "STDIO" },
                  { name: "WATCHDOG_CMD", value: "python3 handler.py" },
                  { name: "CALLBACK_URL", value: options.callbackUrl },
                  { name: "LOG_LEVEL", value: "debug" },
                ],
                readinessProbe: { httpGet: { path: "/health", port: 8080 }, initialDelaySeconds: 2, periodSeconds: 5 },
                resources: { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "250m", memory: "128Mi" } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ["ALL"] },
                  seccompProfile: { type: "RuntimeDefault" },
                },
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
              },
            ],
            volumes: [{ name: "tmp", emptyDir: {} }],
          },
        },
      },
    });
  });

  test("defaults: one replica, image entrypoint, no resources, no pull secrets, no blank WATCHDOG_CMD", () => {
    const container = buildDeployment(fn({ runtimeCommand: "  " }), { namespace: "fns", imagePullPolicy: "Always" });
    expect(container.spec.replicas).toBe(1);
    const [c] = container.spec.template.spec.containers;
    expect(c).not.toHaveProperty("command");
    expect(c).not.toHaveProperty("resources");
    expect(container.spec.template.spec).not.toHaveProperty("imagePullSecrets");
    expect(c!.env.map((e) => e.name)).toEqual(["FUNCTION_NAME", "WARM", "TIMEOUT_MS", "EXECUTION_MODE"]);
    expect(c!.env[3]).toEqual({ name: "EXECUTION_MODE", value: "HTTP" });
    expect(c!.imagePullPolicy).toBe("Always");
  });

  test("replicas start at minReplicas", () => {
    expect(buildDeployment(fn({ scalingConfig: { minReplicas: 2, maxReplicas: 4 } }), options).spec.replicas).toBe(2);
  });
});

describe("buildService", () => {
  test("ClusterIP on 8080 selecting function=<name>", () => {
    expect(buildService(fn({}), "fns")).toEqual({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "fn-word-stats", namespace: "fns", labels, annotations: prometheus },
      spec: {
        type: "ClusterIP",
        selector: { function: "word-stats" },
        ports: [{ name: "http", port: 8080, targetPort: 8080, protocol: "TCP" }],
      },
    });
  });
});

describe("reference-style names (issue 15.3)", () => {
  const named = (name: string) => resolveFunction({ name, image: "example/word-stats:1" }, defaults);

  test("WordStats: objects named after the derived DNS label, labels carry it, the annotation keeps the name", () => {
    const deployment = buildDeployment(named("WordStats"), options);
    const service = buildService(named("WordStats"), "fns");
    const derived = deployment.metadata.name.replace(/^fn-/, "");
    expect(derived).toMatch(/^wordstats-[0-9a-f]{8}$/);
    expect(service.metadata.name).toBe(deployment.metadata.name);
    expect(deployment.metadata.annotations).toEqual({ "nanofaas.io/function-name": "WordStats" });
    // "WordStats" is a valid label value: selectors keep the reference's function=<name>.
    expect(deployment.spec.selector.matchLabels).toEqual({ function: "WordStats" });
    expect(service.spec.selector).toEqual({ function: "WordStats" });
    expect(deployment.spec.template.metadata.labels.function).toBe("WordStats");
  });

  test("a name that is not a label value (trailing '_') uses the derived label everywhere, consistently", () => {
    const deployment = buildDeployment(named("stats_"), options);
    const derived = deployment.metadata.name.replace(/^fn-/, "");
    expect(deployment.spec.selector.matchLabels).toEqual({ function: derived });
    expect(buildService(named("stats_"), "fns").spec.selector).toEqual({ function: derived });
    expect(deployment.metadata.labels["nanofaas.io/function"]).toBe(derived);
    expect(deployment.metadata.annotations["nanofaas.io/function-name"]).toBe("stats_");
  });

  test("a 63-character name fits: fn-<derived> stays within 63 characters", () => {
    const deployment = buildDeployment(named("a".repeat(63)), options);
    expect(deployment.metadata.name.length).toBeLessThanOrEqual(63);
    expect(deployment.metadata.name).toMatch(/^fn-a+-[0-9a-f]{8}$/);
  });
});
