/**
 * @module
 * Per-tenant quotas at admission and dispatch (issue 19, SPEC-platform §3). One `TenantGate` per
 * tenant with quotas; a function's queue holds its tenant's gate (or none), so a tenant without
 * quotas costs one field read per call.
 *
 * - `maxRequestsPerSecond`: a token bucket over all the tenant's functions (burst = one second's
 *   worth); above it → 429 `tenant_rate`, Retry-After = when the next token is due.
 * - `maxConcurrency` (attempts in flight) and `maxJobs` (REMOTE Jobs running): like the global
 *   bulkheads, a sync call at the cap is refused (429 `tenant_concurrency`); queued and async work
 *   waits in its queue and is dispatched when one of the tenant's attempts ends. Other tenants'
 *   queues are never held by it: that is the fairness guarantee.
 * - `maxQueued`: items waiting in the tenant's queues; above it → 429 `tenant_queue`.
 */
import type { QueueRejectReason } from "../contracts/headers";
import { NanofaasError } from "../domain/errors";
import { Bulkhead, type BulkheadLimits } from "../resilience/bulkhead";
import type { TenantQuotas } from "./tenant-spec";

/** What a gate needs of a function queue: its waiting items (maxQueued). */
export interface GatedQueue {
  readonly sync: { readonly size: number };
  readonly async: { readonly size: number };
}

export function tenantRejection(reason: QueueRejectReason, message: string, retryAfterSeconds: number): NanofaasError {
  const code = reason === "tenant_rate" ? "RATE_LIMITED" : "QUEUE_FULL";
  return new NanofaasError(code, message, { rejectReason: reason, retryAfterSeconds });
}

export class TenantGate<Q extends GatedQueue = GatedQueue> {
  /** maxConcurrency / maxJobs are a bulkhead of the tenant's own (0 = no cap), held queues and all. */
  private readonly caps: BulkheadLimits;
  private readonly bulkhead: Bulkhead<Q>;
  private tokens: number;
  private refilledAt = -1;
  /** The tenant's function queues (for maxQueued). */
  readonly queues = new Set<Q>();

  constructor(
    readonly tenant: string,
    private limits: TenantQuotas,
    wake: (queue: Q) => void,
    /** Seconds for Retry-After of tenant_concurrency / tenant_queue. */
    private readonly retryAfterSeconds: () => number = () => 1,
  ) {
    this.caps = capsOf(limits);
    this.bulkhead = new Bulkhead(this.caps, wake);
    this.tokens = limits.maxRequestsPerSecond ?? 0;
  }

  get quotas(): TenantQuotas {
    return this.limits;
  }

  get attemptsInFlight(): number {
    return this.bulkhead.totalInFlight;
  }

  get jobsRunning(): number {
    return this.bulkhead.totalJobs;
  }

  get queued(): number {
    let total = 0;
    for (const queue of this.queues) total += queue.sync.size + queue.async.size;
    return total;
  }

  /** New quotas take effect at once; held queues are woken (a raised cap may let them go). */
  setQuotas(limits: TenantQuotas): void {
    const rate = limits.maxRequestsPerSecond;
    if (rate !== this.limits.maxRequestsPerSecond) {
      this.tokens = this.refilledAt < 0 ? (rate ?? 0) : Math.min(this.tokens, rate ?? 0);
    }
    this.limits = limits;
    Object.assign(this.caps, capsOf(limits));
    this.bulkhead.wakeHeld();
  }

  /** Throws the 429 for one more call of the tenant (sync: refused at a cap, not queued), else takes a token. */
  admit(sync: boolean, remote: boolean, now: number): void {
    const { maxRequestsPerSecond, maxConcurrency, maxJobs, maxQueued } = this.limits;
    if (maxRequestsPerSecond !== undefined) this.refill(maxRequestsPerSecond, now);
    if (maxRequestsPerSecond !== undefined && this.tokens < 1) {
      const waitSeconds = Math.max(1, Math.ceil((1 - this.tokens) / maxRequestsPerSecond));
      throw tenantRejection(
        "tenant_rate",
        `Tenant '${this.tenant}' is over its rate quota (${maxRequestsPerSecond}/s)`,
        waitSeconds,
      );
    }
    if (sync && this.bulkhead.refusal(remote) !== undefined) {
      const what =
        maxConcurrency !== undefined && this.attemptsInFlight >= maxConcurrency
          ? `${this.attemptsInFlight} invocations in flight (maxConcurrency ${maxConcurrency})`
          : `${this.jobsRunning} REMOTE Jobs running (maxJobs ${maxJobs})`;
      throw tenantRejection("tenant_concurrency", `Tenant '${this.tenant}' has ${what}`, this.retryAfterSeconds());
    }
    if (maxQueued !== undefined) {
      const queued = this.queued;
      if (queued >= maxQueued) {
        throw tenantRejection(
          "tenant_queue",
          `Tenant '${this.tenant}' has ${queued} invocations queued (maxQueued ${maxQueued})`,
          this.retryAfterSeconds(),
        );
      }
    }
    if (maxRequestsPerSecond !== undefined) this.tokens -= 1;
  }

  /** Whether `queue` may dispatch one more attempt now; when not, it is woken once one of ours ends. */
  allows(queue: Q, remote: boolean): boolean {
    return this.bulkhead.allows(queue, remote);
  }

  acquire(remote: boolean): void {
    this.bulkhead.acquire(remote);
  }

  release(remote: boolean): void {
    this.bulkhead.release(remote);
  }

  forget(queue: Q): void {
    this.queues.delete(queue);
    this.bulkhead.forget(queue);
  }

  private refill(rate: number, now: number): void {
    if (this.refilledAt < 0) {
      this.refilledAt = now;
      return;
    }
    const elapsed = now - this.refilledAt;
    if (elapsed <= 0) return;
    this.tokens = Math.min(rate, this.tokens + (elapsed * rate) / 1000);
    this.refilledAt = now;
  }
}

const capsOf = (q: TenantQuotas): BulkheadLimits => ({
  maxTotalInFlight: q.maxConcurrency ?? 0,
  maxTotalJobs: q.maxJobs ?? 0,
});

/**
 * The gate of every tenant that has functions. A gate exists even for a tenant without quotas: it
 * keeps the tenant's in-flight count (two increments per attempt), so quotas given later apply to
 * what is already running. Checks against an absent quota are a field read each.
 */
export class TenantAdmission<Q extends GatedQueue = GatedQueue> {
  private readonly gates = new Map<string, TenantGate<Q>>();

  constructor(
    /** The current quotas of a tenant (the tenant registry). */
    private readonly quotasOf: (tenant: string) => TenantQuotas | undefined,
    private readonly wake: (queue: Q) => void,
    private readonly retryAfterSeconds: () => number = () => 1,
  ) {}

  /** A tenant's quotas changed (undefined: the tenant was deleted). */
  setQuotas(tenant: string, quotas: TenantQuotas | undefined): void {
    this.gates.get(tenant)?.setQuotas(quotas ?? {});
  }

  /** The gate of `tenant`, made on first use. */
  gateFor(tenant: string): TenantGate<Q> {
    let gate = this.gates.get(tenant);
    if (!gate) {
      gate = new TenantGate<Q>(tenant, this.quotasOf(tenant) ?? {}, this.wake, this.retryAfterSeconds);
      this.gates.set(tenant, gate);
    }
    return gate;
  }

  /** Attaches a function queue to its tenant's gate; returns the gate (kept on the queue). */
  attach(tenant: string, queue: Q): TenantGate<Q> {
    const gate = this.gateFor(tenant);
    gate.queues.add(queue);
    return gate;
  }

  /** The queue is gone; a gate left without queues or work is dropped. */
  detach(gate: TenantGate<Q>, queue: Q): void {
    gate.forget(queue);
    if (gate.queues.size === 0 && gate.attemptsInFlight === 0) this.gates.delete(gate.tenant);
  }

  gate(tenant: string): TenantGate<Q> | undefined {
    return this.gates.get(tenant);
  }
}
