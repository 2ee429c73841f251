/**
 * @module
 * What the invocation engine is built from (control-plane.ts wires the real ones; engine tests
 * inject fakes through test/support/engine.ts).
 */
import type { ExecutionMode } from "../domain/function-spec";
import type { ResolvedFunction } from "../domain/resolved-function";
import type { Dispatcher } from "../dispatch/dispatcher";
import type { FunctionQueue } from "../queue/function-queue";
import type { TenantAdmission } from "../tenants/tenant-admission";
import type { BulkheadLimits } from "../resilience/bulkhead";
import type { ReplicaEndpoints } from "./attempt-runner";
import type { EngineObserver } from "./engine-observer";
import type { ExecutionStore } from "./execution-store";
import type { DurableExecutions } from "./durable-executions";
import type { IdempotencyStore } from "./idempotency-store";
import type { CircuitTransitionListener } from "./resilience-gates";
import type { RetainedBytes } from "./retained-bytes";
import type { RuntimeSettings } from "./runtime-settings";

export interface EngineDeps {
  settings: RuntimeSettings;
  syncMaxDepth: number;
  throughputWindowMs: number;
  /** Dispatches in the window before a function's wait estimate is used (SYNC_QUEUE_PER_FUNCTION_MIN_SAMPLES). */
  throughputMinSamples?: number;
  /** `Config.jobStartupAllowanceMs`: a sync caller of a REMOTE function waits timeoutMs + this by default. */
  jobStartupAllowanceMs: number;
  dispatchers: Record<ExecutionMode, Dispatcher>;
  replicas?: ReplicaEndpoints;
  store: ExecutionStore;
  idempotency: IdempotencyStore;
  observer?: EngineObserver;
  now?: () => number;
  newId?: () => string;
  random?: () => number;
  /** Called when DEPLOYMENT work is queued and no replica is ready (scale from zero). */
  onWaitingForReplica?: (fn: ResolvedFunction) => void;
  /** Told about a fault the engine survived (a throwing deadline callback or observer hook). */
  reportError?: ErrorReporter;
  /** Budget for retained inputs/outputs (NANOFAAS_MAX_RETAINED_BYTES); unbounded when absent. */
  retained?: RetainedBytes;
  /**
   * The durable store (issue 17): `:enqueue` answers only once `accept` committed; without it
   * (engine unit tests) nothing is persisted. State changes are recorded by writeBehindObserver.
   */
  durable?: DurableExecutions;
  /** Global bulkheads (NANOFAAS_MAX_TOTAL_INFLIGHT / _JOBS); no caps when absent. */
  bulkhead?: BulkheadLimits;
  /** Per-tenant quotas (issue 19): each function queue is attached to its tenant's gate. */
  tenants?: TenantAdmission<FunctionQueue>;
  /** A function's circuit changed state (logged and exported as a metric by the control plane). */
  onCircuitTransition?: CircuitTransitionListener;
}

/** `what` names the faulty part ("observer onFinished", "sync wait deadline"). */
export type ErrorReporter = (error: unknown, what: string) => void;

/** Where faults go when the control plane wires no reporter (engine unit tests). */
export const reportToConsole: ErrorReporter = (error, what) => console.error(`${what} failed:`, error);
