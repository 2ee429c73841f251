/**
 * @module
 * The resilience parts of a function spec (SPEC-platform §6): `circuitBreaker` and `retryOn`, their
 * wire schemas and their resolution to the values the engine reads on every attempt.
 */
import { z } from "zod";

export const RETRY_CLASSES = ["timeout", "connection", "5xx", "429"] as const;
/** A failed attempt's class, as far as `retryOn` is concerned; other failures have none. */
export type RetryClass = (typeof RETRY_CLASSES)[number];

export const RetryOn = z.array(z.enum(RETRY_CLASSES)).max(RETRY_CLASSES.length).meta({
  id: "RetryOn",
  description:
    "Which failed attempts are retried (within maxRetries): timeout, connection (refused, reset), 5xx, 429. Default all four. Failures of no class (a function's own error reported by callback, a 4xx, malformed output, a failed Job) are retried as before.",
});

export const CircuitBreakerSpec = z
  .object({
    failureThreshold: z
      .int()
      .min(1)
      .max(10_000)
      .optional()
      .meta({ description: "Consecutive failures that open the circuit. Default 5." }),
    failureRateThreshold: z.int().min(1).max(100).optional().meta({
      description:
        "Also open when this percentage of calls in the window failed (once it holds failureThreshold calls).",
    }),
    windowMs: z
      .int()
      .min(100)
      .max(3_600_000)
      .optional()
      .meta({ description: "The failure-rate window. Default 10000." }),
    resetTimeoutMs: z
      .int()
      .min(1)
      .max(3_600_000)
      .optional()
      .meta({ description: "Time OPEN before probing. Default 30000." }),
    halfOpenRequests: z
      .int()
      .min(1)
      .max(1000)
      .optional()
      .meta({ description: "Probes let through when HALF_OPEN; all must succeed to close. Default 1." }),
  })
  .meta({ id: "CircuitBreakerConfig" });
export type CircuitBreakerSpec = z.infer<typeof CircuitBreakerSpec>;

export interface ResolvedCircuitBreaker {
  failureThreshold: number;
  failureRateThreshold?: number;
  windowMs: number;
  resetTimeoutMs: number;
  halfOpenRequests: number;
}

export function resolveCircuitBreaker(spec: CircuitBreakerSpec | null | undefined): ResolvedCircuitBreaker | undefined {
  if (!spec) return undefined;
  const resolved: ResolvedCircuitBreaker = {
    failureThreshold: spec.failureThreshold ?? 5,
    windowMs: spec.windowMs ?? 10_000,
    resetTimeoutMs: spec.resetTimeoutMs ?? 30_000,
    halfOpenRequests: spec.halfOpenRequests ?? 1,
  };
  if (spec.failureRateThreshold !== undefined) resolved.failureRateThreshold = spec.failureRateThreshold;
  return resolved;
}

/** Whether a failure of `kind` may be retried; a failure of no class always may (within maxRetries). */
export const retryAllowed = (retryOn: readonly RetryClass[] | undefined, kind: RetryClass | undefined): boolean =>
  kind === undefined || retryOn === undefined || retryOn.includes(kind);

/** The class of an HTTP answer that was not 2xx (undefined for a 4xx other than 429). */
export function httpRetryClass(status: number): RetryClass | undefined {
  if (status === 429) return "429";
  return status >= 500 ? "5xx" : undefined;
}
