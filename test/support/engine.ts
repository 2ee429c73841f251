/**
 * An InvocationEngine wired to a ManualDispatcher, for the engine's unit tests: every attempt waits
 * until the test finishes it, so timing and ordering are exact.
 */
import type { NanofaasError } from "../../src/domain/errors";
import { FunctionSpec } from "../../src/domain/function-spec";
import { resolveFunction } from "../../src/domain/resolved-function";
import { ManualDispatcher } from "../fakes/manual-dispatcher";
import { type EngineDeps, InvocationEngine, type ReplicaEndpoints } from "../../src/execution/engine";
import { createInMemoryExecutionStore } from "../../src/execution/execution-store";
import { createInMemoryIdempotencyStore } from "../../src/execution/idempotency-store";
import type { RuntimeSettings } from "../../src/execution/runtime-settings";

export const defaults = { timeoutMs: 30_000, concurrency: 4, queueSize: 100, maxRetries: 3 };

export function setup(
  overrides: Partial<RuntimeSettings> = {},
  replicas?: ReplicaEndpoints,
  deps: Partial<EngineDeps> = {},
) {
  const dispatcher = new ManualDispatcher();
  const settings: RuntimeSettings = {
    rateMaxPerSecond: 1_000_000,
    syncQueueEnabled: true,
    syncQueueAdmissionEnabled: true,
    syncQueueMaxEstimatedWaitMs: 2000,
    syncQueueMaxQueueWaitMs: 2000,
    syncQueueRetryAfterSeconds: 2,
    ...overrides,
  };
  const engine = new InvocationEngine({
    settings,
    syncMaxDepth: 0,
    throughputWindowMs: 30_000,
    jobStartupAllowanceMs: 60_000,
    dispatchers: { LOCAL: dispatcher, POOL: dispatcher, DEPLOYMENT: dispatcher, REMOTE: dispatcher },
    replicas,
    store: createInMemoryExecutionStore({ ttlMs: 300_000, cleanupTtlMs: 120_000, maxLifetimeMs: 1_800_000 }),
    idempotency: createInMemoryIdempotencyStore(),
    random: () => 0.5, // jitter term = 0
    ...deps,
  });
  const register = (spec: Record<string, unknown>) => {
    const fn = resolveFunction(
      FunctionSpec.parse({ executionMode: "LOCAL", retryBackoff: { baseDelayMs: 0 }, ...spec }),
      defaults,
    );
    engine.onRegistered(fn);
    return fn;
  };
  /**
   * Lets the engine catch up, without counting microtask rounds: every attempt result handed back
   * is applied, then the scheduler drains (dispatching whatever can go now).
   */
  const settle = async () => {
    await dispatcher.applied();
    engine.scheduler.drain();
  };
  return { engine, dispatcher, settings, register, settle };
}

/** Starts a sync call nobody awaits; its eventual rejection (e.g. a queue timeout) is expected. */
export const background = (call: Promise<unknown>) => void call.catch(() => undefined);

export const rejectionOf = async (promise: Promise<unknown>): Promise<NanofaasError> => {
  try {
    await promise;
  } catch (e) {
    return e as NanofaasError;
  }
  throw new Error("expected a rejection");
};
export const syncError = (fn: () => unknown): NanofaasError => {
  try {
    fn();
  } catch (e) {
    return e as NanofaasError;
  }
  throw new Error("expected a throw");
};
