/**
 * @module
 * The resolved scaling config of a DEPLOYMENT function. `ResolvedFunction.scalingConfig` is typed
 * as "resolved or passed through" because other modes keep the client's value untouched
 * (reference §2.2); for DEPLOYMENT it is always resolved, which this helper states once.
 */
import type { ResolvedFunction } from "./resolved-function";
import type { ResolvedScalingConfig } from "./scaling-config";

export function deploymentScaling(fn: ResolvedFunction): ResolvedScalingConfig | undefined {
  if (fn.requestedExecutionMode !== "DEPLOYMENT" || !fn.scalingConfig) return undefined;
  return fn.scalingConfig as ResolvedScalingConfig;
}

/** Replicas a freshly provisioned function starts with: `minReplicas` (may be 0), else 1. */
export function initialReplicas(fn: ResolvedFunction): number {
  return deploymentScaling(fn)?.minReplicas ?? 1;
}
