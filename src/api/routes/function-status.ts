/**
 * @module
 * `status` of a function response (SPEC-platform §8): whether it can take invocations now, and
 * for a DEPLOYMENT function how many replicas are ready of how many the backend runs or starts, and
 * while they fail to start or stay up, the last replica error (state Failed: none ready; Degraded:
 * some ready, fewer than desired).
 * Read from the deployment backend at request time; cheap (in-memory counts).
 */
import type { z } from "zod";
import type { ResolvedFunction } from "../../domain/resolved-function";
import type { FunctionStatus as FunctionStatusSchema } from "../schemas";

type FunctionStatus = z.infer<typeof FunctionStatusSchema>;

/** What the status needs from the deployment backend. */
export interface ReplicaView {
  ready(name: string): number;
  desired(name: string): number | undefined;
  /** Why its replicas fail, while none has recovered (Deployer.replicaError). */
  lastError?(name: string): string | undefined;
}

export function functionStatus(fn: ResolvedFunction, replicas: ReplicaView | undefined): FunctionStatus {
  if (fn.degradationReason) return { state: "Degraded", lastError: fn.degradationReason };
  if (fn.effectiveExecutionMode !== "DEPLOYMENT" || !fn.deploymentBackend || !replicas) return { state: "Ready" };
  const ready = replicas.ready(fn.name);
  const desired = replicas.desired(fn.name);
  const counts = { ready, ...(desired === undefined ? {} : { desired }) };
  const enough = desired === undefined ? ready > 0 : ready >= desired;
  if (enough) return { state: "Ready", ...counts };
  // Not enough ready: starting normally, or failing — Failed when none serves, Degraded when some do.
  const lastError = replicas.lastError?.(fn.name);
  if (lastError === undefined) return { state: "Progressing", ...counts };
  return { state: ready === 0 ? "Failed" : "Degraded", ...counts, lastError };
}
