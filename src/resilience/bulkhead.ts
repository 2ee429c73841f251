/**
 * @module
 * Global bulkheads (SPEC-platform §6): `NANOFAAS_MAX_TOTAL_INFLIGHT` caps attempts in flight across
 * all functions, `NANOFAAS_MAX_TOTAL_JOBS` caps REMOTE Jobs running at once. At a cap a new sync call
 * is refused (429, reason `bulkhead`); queued and async work waits for a slot anywhere to free up.
 * Two counters and a set that is empty unless a cap was hit: nothing allocated per call.
 */

/** 0 = no cap. A tenant's gate (src/tenants) changes its object's fields when its quotas change. */
export interface BulkheadLimits {
  maxTotalInFlight: number;
  maxTotalJobs: number;
}

export class Bulkhead<Q> {
  private inFlight = 0;
  private jobs = 0;
  /** Queues the bulkhead held back: woken when any attempt ends. */
  private readonly held = new Set<Q>();

  constructor(
    private readonly limits: BulkheadLimits,
    private readonly wake: (queue: Q) => void,
  ) {}

  get totalInFlight(): number {
    return this.inFlight;
  }

  get totalJobs(): number {
    return this.jobs;
  }

  /** The cap a new call would exceed (a message for the 429), or undefined when it fits. */
  refusal(remote: boolean): string | undefined {
    const { maxTotalInFlight, maxTotalJobs } = this.limits;
    if (maxTotalInFlight > 0 && this.inFlight >= maxTotalInFlight) {
      return `${this.inFlight} executions in flight across functions (NANOFAAS_MAX_TOTAL_INFLIGHT=${maxTotalInFlight})`;
    }
    if (remote && maxTotalJobs > 0 && this.jobs >= maxTotalJobs) {
      return `${this.jobs} REMOTE Jobs running (NANOFAAS_MAX_TOTAL_JOBS=${maxTotalJobs})`;
    }
    return undefined;
  }

  /** Whether `queue` may dispatch one more attempt now; when not, it is woken once a slot frees. */
  allows(queue: Q, remote: boolean): boolean {
    const { maxTotalInFlight, maxTotalJobs } = this.limits;
    const full =
      (maxTotalInFlight > 0 && this.inFlight >= maxTotalInFlight) ||
      (remote && maxTotalJobs > 0 && this.jobs >= maxTotalJobs);
    if (full) this.held.add(queue);
    return !full;
  }

  acquire(remote: boolean): void {
    this.inFlight++;
    if (remote) this.jobs++;
  }

  release(remote: boolean): void {
    this.inFlight--;
    if (remote) this.jobs--;
    this.wakeHeld();
  }

  /** Wakes every held queue (a slot freed, or the limits were raised). */
  wakeHeld(): void {
    if (this.held.size === 0) return;
    const held = [...this.held];
    this.held.clear();
    for (const queue of held) this.wake(queue);
  }

  forget(queue: Q): void {
    this.held.delete(queue);
  }
}
