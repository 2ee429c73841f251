import { describe, expect, test } from "bun:test";
import { CircuitBreakerSpec, httpRetryClass, RetryOn, resolveCircuitBreaker, retryAllowed } from "./resilience-spec";

describe("resilience spec", () => {
  test("circuitBreaker defaults fill what is omitted; absent means no breaker", () => {
    expect(resolveCircuitBreaker(undefined)).toBeUndefined();
    expect(resolveCircuitBreaker({})).toEqual({
      failureThreshold: 5,
      windowMs: 10_000,
      resetTimeoutMs: 30_000,
      halfOpenRequests: 1,
    });
    expect(resolveCircuitBreaker({ failureRateThreshold: 40 })?.failureRateThreshold).toBe(40);
  });

  test("bad values are refused by the schema", () => {
    expect(CircuitBreakerSpec.safeParse({ failureThreshold: 0 }).success).toBe(false);
    expect(CircuitBreakerSpec.safeParse({ failureRateThreshold: 101 }).success).toBe(false);
    expect(RetryOn.safeParse(["timeout", "4xx"]).success).toBe(false);
  });

  test("retryOn: a listed class is retried, an unlisted one not, a failure of no class always", () => {
    expect(retryAllowed(undefined, "5xx")).toBe(true);
    expect(retryAllowed(["timeout"], "timeout")).toBe(true);
    expect(retryAllowed(["timeout"], "5xx")).toBe(false);
    expect(retryAllowed([], "connection")).toBe(false);
    expect(retryAllowed([], undefined)).toBe(true);
  });

  test("HTTP statuses map to 429, 5xx or nothing", () => {
    expect(httpRetryClass(429)).toBe("429");
    expect(httpRetryClass(503)).toBe("5xx");
    expect(httpRetryClass(404)).toBeUndefined();
  });
});
