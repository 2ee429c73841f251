/**
 * @module
 * How many replicas a function should run — pure, so every rule is a table row in a test.
 * The maths is the reference's (control-plane.md §6.7): ratio = max over metrics of
 * value ÷ target; base = ready replicas, or max(1, minReplicas) when none is ready;
 * desired = ceil(ratio × base) clamped to [min, max]; scale up when desired > base unless a
 * scale-up happened in the last 30 s, down when desired < base unless a scale-down happened in
 * the last 60 s. Targets are levels for the whole function (5 = "keep at most 5 queued"), so
 * while the load stays above target the function keeps growing, tick by tick, up to max.
 *
 * Added, because the reference could not scale from zero (with nothing ready base is 1, so one
 * queued call gave ratio 0.2 and desired 1 = base: no action):
 * - queued or running work with no ready replica always wants at least one replica;
 * - from a requested count of 0 that scale-up is immediate (no cooldown);
 * - while work waits and nothing is ready, the request is re-asserted every up-cooldown (pods
 *   may have been scaled to 0 behind our back, e.g. `PUT /replicas 0`);
 * - no API call when the Deployment already asks for exactly `desired`, and a scale-up never
 *   lowers a larger count already requested for pods that are still starting.
 */
import type { ResolvedScalingMetric } from "../domain/scaling-config";

export const UPSCALE_COOLDOWN_MS = 30_000;
export const DOWNSCALE_COOLDOWN_MS = 60_000;
/** A blank or unparsable metric target, as the reference. */
export const DEFAULT_METRIC_TARGET = 50;

export interface MetricValues {
  /** Items waiting in the function's lanes (sync + async). */
  queue_depth: number;
  /** Occupied concurrency slots. */
  in_flight: number;
  /** Dispatches per second since the previous tick. */
  rps: number;
}

export function metricTarget(raw: string | null): number {
  const trimmed = raw?.trim() ?? "";
  const value = trimmed === "" ? Number.NaN : Number(trimmed);
  return Number.isFinite(value) ? value : DEFAULT_METRIC_TARGET;
}

/** max(value ÷ target) over metrics with a positive target; 0 without any. */
export function loadRatio(metrics: readonly ResolvedScalingMetric[], values: MetricValues): number {
  let ratio = 0;
  for (const metric of metrics) {
    const target = metricTarget(metric.target);
    const value = values[metric.type as keyof MetricValues];
    if (target > 0 && value !== undefined) ratio = Math.max(ratio, value / target);
  }
  return ratio;
}

export interface ScalingState {
  /** The Deployment's requested replica count (spec.replicas), as far as we know. */
  requested: number;
  lastScaleUpAt: number;
  lastScaleDownAt: number;
}

export interface ScalingInput {
  ratio: number;
  ready: number;
  /** Queued + running invocations. */
  pending: number;
  minReplicas: number;
  maxReplicas: number;
  now: number;
  state: ScalingState;
}

export interface ScalingDecision {
  action: "up" | "down" | "none";
  /** The count to set for up/down; `desired` otherwise. */
  replicas: number;
  base: number;
  desired: number;
  reason: "load" | "scale-from-zero" | "no-ready-replica" | "cooldown" | "already-requested" | "steady";
}

export function decideScaling(input: ScalingInput): ScalingDecision {
  const { ratio, ready, pending, minReplicas, maxReplicas, now, state } = input;
  const base = ready > 0 ? ready : Math.max(1, minReplicas);
  let desired = Math.min(maxReplicas, Math.max(minReplicas, Math.ceil(ratio * base)));
  const stranded = ready === 0 && pending > 0;
  if (stranded) desired = Math.max(desired, 1);
  const upCooledDown = now - state.lastScaleUpAt >= UPSCALE_COOLDOWN_MS;
  const decide = (action: ScalingDecision["action"], reason: ScalingDecision["reason"]): ScalingDecision => ({
    action,
    replicas: desired,
    base,
    desired,
    reason,
  });

  if (state.requested === 0 && desired > 0) return decide("up", "scale-from-zero");
  if (stranded && upCooledDown) return decide("up", "no-ready-replica");
  if (desired > base) {
    if (desired <= state.requested) return decide("none", "already-requested");
    return upCooledDown ? decide("up", "load") : decide("none", "cooldown");
  }
  if (desired < base) {
    // Already asked for, and no ready pod above it (ready ones above it are terminating).
    if (desired === state.requested && ready <= desired) return decide("none", "already-requested");
    return now - state.lastScaleDownAt >= DOWNSCALE_COOLDOWN_MS ? decide("down", "load") : decide("none", "cooldown");
  }
  return decide("none", "steady");
}
