/**
 * @module
 * Where the engine meets the circuit breakers and the global bulkheads (src/resilience): admission
 * refusals (503 CIRCUIT_OPEN, 429 `bulkhead`), the dispatch gate the scheduler asks, and the
 * bookkeeping when an attempt starts and ends. A function without a breaker and no caps set cost a
 * field read and two counter updates per call.
 */
import { NanofaasError } from "../domain/errors";
import type { FunctionQueue } from "../queue/function-queue";
import { Bulkhead, type BulkheadLimits } from "../resilience/bulkhead";
import { CircuitBreaker, type CircuitState, type CircuitView } from "../resilience/circuit-breaker";
import { rejection } from "./admission";
import type { ExecutionRecord } from "./execution-record";
import { tenantOfKey } from "../tenants/tenant-key";
import type { TenantAdmission } from "../tenants/tenant-admission";

/** `fn` is the function's name; `version` the version whose breaker it is (issue 22), when known. */
export type CircuitTransitionListener = (
  fn: string,
  from: CircuitState,
  to: CircuitState,
  reason: string,
  version?: number,
) => void;

export interface ResilienceDeps {
  limits?: BulkheadLimits;
  /** Per-tenant quotas (issue 19); absent, no tenant gates (tests of the engine alone). */
  tenants?: TenantAdmission<FunctionQueue>;
  now: () => number;
  wake: (queue: FunctionQueue) => void;
  onTransition?: CircuitTransitionListener;
  /** Seconds for a bulkhead 429's Retry-After. */
  retryAfterSeconds: () => number;
}

const isRemote = (queue: FunctionQueue) => queue.fn.effectiveExecutionMode === "REMOTE";

export class ResilienceGates {
  private readonly bulkhead: Bulkhead<FunctionQueue>;

  constructor(
    private readonly queues: ReadonlyMap<string, FunctionQueue>,
    private readonly deps: ResilienceDeps,
  ) {
    this.bulkhead = new Bulkhead(deps.limits ?? { maxTotalInFlight: 0, maxTotalJobs: 0 }, deps.wake);
  }

  /** Gives a new queue the breaker its function asks for, and its tenant's gate. */
  attach(queue: FunctionQueue): void {
    if (this.deps.tenants) queue.tenantGate = this.deps.tenants.attach(tenantOfKey(queue.name), queue);
    const config = queue.fn.circuitBreaker;
    if (!config) return;
    // A version's own deployment (`name@vN`) reports under its function's name and its version.
    const name = queue.fn.versionOf ?? queue.name;
    const version = queue.fn.version;
    queue.breaker = new CircuitBreaker(config, {
      now: this.deps.now,
      onTransition: (from, to, reason) => this.deps.onTransition?.(name, from, to, reason, version),
      wake: () => this.deps.wake(queue),
    });
  }

  detach(queue: FunctionQueue): void {
    queue.breaker?.close();
    this.bulkhead.forget(queue);
    // The gate stays on the queue: attempts still running release into it.
    if (queue.tenantGate) this.deps.tenants?.detach(queue.tenantGate, queue);
  }

  /** A sync call: refused at once when the circuit is open or a global cap is reached. */
  admitSync(queue: FunctionQueue, now: number): void {
    const breaker = queue.breaker;
    if (breaker?.refusesCalls(now)) {
      const which = queue.fn.versionOf
        ? `version ${queue.fn.version} of function '${queue.fn.versionOf}'`
        : `function '${queue.name}'`;
      throw new NanofaasError("CIRCUIT_OPEN", `The circuit of ${which} is ${breaker.state}`, {
        retryAfterSeconds: breaker.retryAfterSeconds(now),
      });
    }
    const full = this.bulkhead.refusal(isRemote(queue));
    if (full) throw rejection("bulkhead", `Bulkhead full: ${full}`, this.deps.retryAfterSeconds());
  }

  /** Whether the scheduler may dispatch from `queue` now (a held queue is woken later). */
  allowsDispatch(queue: FunctionQueue, now: number): boolean {
    if (queue.breaker && !queue.breaker.allowsDispatch(now)) return false;
    // The tenant's own caps first: a tenant at its cap holds only its queues, never the global count.
    if (queue.tenantGate && !queue.tenantGate.allows(queue, isRemote(queue))) return false;
    return this.bulkhead.allows(queue, isRemote(queue));
  }

  onDispatched(queue: FunctionQueue): void {
    queue.breaker?.onDispatch();
    const remote = isRemote(queue);
    this.bulkhead.acquire(remote);
    queue.tenantGate?.acquire(remote);
  }

  onSlotReleased(queue: FunctionQueue): void {
    const remote = isRemote(queue);
    this.bulkhead.release(remote);
    queue.tenantGate?.release(remote);
  }

  /** An attempt's result, for the breaker of its function (if it has one). */
  onAttemptResult(record: ExecutionRecord, ok: boolean, now: number): void {
    if (!record.fn.circuitBreaker) return;
    this.queues.get(record.fn.name)?.breaker?.onResult(ok, now);
  }

  circuit(name: string): CircuitView | undefined {
    return this.queues.get(name)?.breaker?.view();
  }

  /** `:reset-circuit`; false when the function has no breaker. */
  resetCircuit(name: string): boolean {
    const breaker = this.queues.get(name)?.breaker;
    breaker?.reset();
    return breaker !== undefined;
  }

  get totalInFlight(): number {
    return this.bulkhead.totalInFlight;
  }
}
