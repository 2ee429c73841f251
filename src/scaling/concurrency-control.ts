/**
 * @module
 * The effective concurrency (slot limit) the autoscaler pushes into a function's queue each tick
 * (reference control-plane.md §6.7 step 6). Pure; ADAPTIVE_PER_POD carries a small state from
 * tick to tick.
 * - FIXED: `concurrency`.
 * - STATIC_PER_POD: replicas × targetInFlightPerPod, capped by `concurrency`.
 * - ADAPTIVE_PER_POD: the per-pod target moves by one: down when the function is at maxReplicas
 *   and still loaded above `highLoadThreshold` (pods are saturated; queue instead), up when the
 *   load is below `lowLoadThreshold` and nothing was scaled down recently — each step separated
 *   by its cooldown.
 * The result is never above `concurrency` and never below 1: these modes only lower the cap.
 */
import type { ResolvedConcurrencyControl } from "../domain/scaling-config";

export interface AdaptiveState {
  target: number;
  lastIncreaseAt: number;
  lastDecreaseAt: number;
  lastDownscaleSignalAt: number;
}

export interface ConcurrencyInput {
  control: ResolvedConcurrencyControl;
  concurrency: number;
  /** Replicas to size for: the new count if this tick scaled, else the decision's base. */
  replicas: number;
  ratio: number;
  base: number;
  maxReplicas: number;
  /** Whether this tick's decision wanted fewer replicas (even if a cooldown held it back). */
  downscaleSignalled: boolean;
  now: number;
  /** NANOFAAS_SCALING_DEFAULT_TARGET_IN_FLIGHT_PER_POD, when the config names no target. */
  defaultTarget: number;
}

export interface ConcurrencyResult {
  effective: number;
  /** Per-pod target reported by the `function_target_inflight_per_pod` gauge (0 for FIXED). */
  target: number;
  state?: AdaptiveState;
}

const cap = (input: ConcurrencyInput, perPod: number) =>
  Math.max(1, Math.min(input.concurrency, Math.max(1, input.replicas) * perPod));

export function nextConcurrency(input: ConcurrencyInput, previous?: AdaptiveState): ConcurrencyResult {
  const { control } = input;
  if (control.mode === "FIXED") return { effective: input.concurrency, target: 0 };
  if (control.mode === "STATIC_PER_POD") {
    const perPod = Math.max(1, control.targetInFlightPerPod ?? 1);
    return { effective: cap(input, perPod), target: perPod };
  }
  const min = control.minTargetInFlightPerPod ?? 1;
  const max = control.maxTargetInFlightPerPod ?? Math.max(min, input.defaultTarget);
  const start = Math.min(max, Math.max(min, control.targetInFlightPerPod ?? input.defaultTarget));
  const state: AdaptiveState = previous
    ? { ...previous }
    : { target: start, lastIncreaseAt: -Infinity, lastDecreaseAt: -Infinity, lastDownscaleSignalAt: -Infinity };
  const upCooldown = control.upscaleCooldownMs ?? 30_000;
  const downCooldown = control.downscaleCooldownMs ?? 60_000;
  const { now, ratio } = input;
  if (input.downscaleSignalled) state.lastDownscaleSignalAt = now;
  if (
    input.base >= input.maxReplicas &&
    ratio >= (control.highLoadThreshold ?? 0.85) &&
    now - state.lastDecreaseAt >= downCooldown
  ) {
    state.target = Math.max(min, state.target - 1);
    state.lastDecreaseAt = now;
  } else if (
    ratio <= (control.lowLoadThreshold ?? 0.35) &&
    now - state.lastDownscaleSignalAt >= downCooldown &&
    now - state.lastIncreaseAt >= upCooldown
  ) {
    state.target = Math.min(max, state.target + 1);
    state.lastIncreaseAt = now;
  }
  return { effective: cap(input, state.target), target: state.target, state };
}
