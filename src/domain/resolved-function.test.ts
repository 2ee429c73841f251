import { describe, expect, test } from "bun:test";
import type { NanofaasError } from "./errors";
import { FunctionSpec } from "./function-spec";
import { resolveFunction, toFunctionResponse } from "./resolved-function";

const defaults = { timeoutMs: 30_000, concurrency: 4, queueSize: 100, maxRetries: 3 };
const resolve = (spec: Record<string, unknown>) => resolveFunction(FunctionSpec.parse(spec), defaults);
const failure = (spec: Record<string, unknown>): NanofaasError => {
  try {
    resolve(spec);
  } catch (e) {
    return e as NanofaasError;
  }
  throw new Error("expected a failure");
};

describe("resolveFunction", () => {
  test("defaults match the reference: DEPLOYMENT, HTTP, 30 s, 4, 100, 3", () => {
    const fn = resolve({ name: "echo", image: "img" });
    expect(fn).toMatchObject({
      requestedExecutionMode: "DEPLOYMENT",
      effectiveExecutionMode: "DEPLOYMENT",
      runtimeMode: "HTTP",
      timeoutMs: 30_000,
      concurrency: 4,
      queueSize: 100,
      maxRetries: 3,
      command: [],
      env: {},
      retryBackoff: { baseDelayMs: 100, maxDelayMs: 5000, jitter: 0.2 },
    });
  });

  test("DEPLOYMENT gets the default scaling config", () => {
    expect(resolve({ name: "echo" }).scalingConfig).toEqual({
      strategy: "INTERNAL",
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [{ type: "queue_depth", target: "5", query: null }],
      concurrencyControl: {
        mode: "FIXED",
        targetInFlightPerPod: null,
        minTargetInFlightPerPod: null,
        maxTargetInFlightPerPod: null,
        upscaleCooldownMs: null,
        downscaleCooldownMs: null,
        highLoadThreshold: null,
        lowLoadThreshold: null,
      },
    });
  });

  test("non-DEPLOYMENT modes pass scalingConfig through untouched", () => {
    const fn = resolve({ name: "e", executionMode: "LOCAL", scalingConfig: { minReplicas: 3 } });
    expect(fn.scalingConfig).toEqual({ minReplicas: 3 });
  });

  test("adaptive concurrency control defaults and clamping", () => {
    const fn = resolve({
      name: "e",
      scalingConfig: {
        concurrencyControl: { mode: "ADAPTIVE_PER_POD", targetInFlightPerPod: 50, maxTargetInFlightPerPod: 6 },
      },
    });
    expect(fn.scalingConfig).toMatchObject({
      concurrencyControl: {
        mode: "ADAPTIVE_PER_POD",
        targetInFlightPerPod: 6,
        minTargetInFlightPerPod: 1,
        maxTargetInFlightPerPod: 6,
        upscaleCooldownMs: 30_000,
        downscaleCooldownMs: 60_000,
        highLoadThreshold: 0.85,
        lowLoadThreshold: 0.35,
      },
    });
  });

  test.each([
    [{ scalingConfig: { maxReplicas: 0 } }, "maxReplicas must be >= 1"],
    [{ scalingConfig: { minReplicas: 5, maxReplicas: 2 } }, "minReplicas must be <= maxReplicas"],
    [{ scalingConfig: { metrics: [{ type: "cpu", target: "80" }] } }, "Unsupported INTERNAL scaling metric: cpu"],
    [{ executionMode: "POOL" }, "endpointUrl: is required when executionMode is POOL"],
    [{ executionMode: "REMOTE" }, "image: is required when executionMode is REMOTE"],
  ])("%p is rejected: %s", (extra, text) => {
    const error = failure({ name: "e", ...extra });
    expect(error.code).toBe("VALIDATION_ERROR");
    expect([error.message, ...(error.details ?? [])].join(" ")).toContain(text);
  });

  test("HPA accepts any metric type", () => {
    expect(() =>
      resolve({ name: "e", scalingConfig: { strategy: "HPA", metrics: [{ type: "cpu", target: "80" }] } }),
    ).not.toThrow();
  });
});

describe("toFunctionResponse", () => {
  test("keeps the reference key order and omits top-level nulls", () => {
    const body = toFunctionResponse(resolve({ name: "e", executionMode: "LOCAL", image: "img" }));
    expect(Object.keys(body)).toEqual([
      "name",
      "image",
      "command",
      "env",
      "timeoutMs",
      "concurrency",
      "queueSize",
      "maxRetries",
      "requestedExecutionMode",
      "effectiveExecutionMode",
      "runtimeMode",
      "retryBackoff",
      "resourceName",
    ]);
  });

  test("shows the derived object name: the name itself, or a hashed DNS label for a reference-style name", () => {
    expect(toFunctionResponse(resolve({ name: "word-stats", executionMode: "LOCAL" })).resourceName).toBe("word-stats");
    expect(toFunctionResponse(resolve({ name: "WordStats", executionMode: "LOCAL" })).resourceName).toMatch(
      /^wordstats-[0-9a-f]{8}$/,
    );
  });
});

describe("FunctionSpec validation (SPEC §1.8)", () => {
  test.each([
    ["-a", false],
    ["_a", false],
    ["9_a", false],
    ["a b", false],
    ["a".repeat(64), false],
    ["a", true],
    ["word-stats", true],
    ["a".repeat(63), true],
    ["9lives", true],
    // The reference's rule ^[a-zA-Z][a-zA-Z0-9._-]{0,62}$ (issue 15.3).
    ["WordStats", true],
    ["word_stats.v2", true],
    ["a-", true],
    ["a.b", true],
  ])("name %p valid=%p", (name, ok) => {
    expect(FunctionSpec.safeParse({ name }).success).toBe(ok);
  });
  test.each([
    [{ timeoutMs: 0 }],
    [{ timeoutMs: 900_001 }],
    [{ concurrency: 0 }],
    [{ concurrency: 10_001 }],
    [{ queueSize: 0 }],
    [{ queueSize: 1_000_001 }],
    [{ maxRetries: -1 }],
    [{ executionMode: "deployment" }],
    [{ scalingConfig: { minReplicas: -1 } }],
    [{ endpointUrl: "not a url" }],
  ])("%p is invalid", (extra) => {
    expect(FunctionSpec.safeParse({ name: "e", ...extra }).success).toBe(false);
  });
});
