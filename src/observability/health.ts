/**
 * @module
 * Liveness and readiness state. Readiness is false while starting and while draining (SPEC §4), so
 * load balancers stop sending work before the control plane stops admitting it.
 */
export type Phase = "starting" | "ready" | "draining" | "stopped";

export class HealthState {
  phase: Phase = "starting";

  /** `storeHealthy`: false while the state store cannot persist (issue 17): readiness 503 meanwhile. */
  constructor(readonly storeHealthy: () => boolean = () => true) {}

  get live(): boolean {
    return this.phase !== "stopped";
  }

  get ready(): boolean {
    return this.phase === "ready" && this.storeHealthy();
  }
}
