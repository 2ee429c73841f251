/**
 * @module
 * Scaling-config defaults for DEPLOYMENT functions (reference control-plane.md §2.2). Nested null
 * members are kept (the reference serialises them), so a client sees every knob.
 */
import { validation } from "./errors";
import type { FunctionSpec } from "./function-spec";

type ScalingInput = FunctionSpec["scalingConfig"];

export interface ResolvedConcurrencyControl {
  mode: "FIXED" | "STATIC_PER_POD" | "ADAPTIVE_PER_POD";
  targetInFlightPerPod: number | null;
  minTargetInFlightPerPod: number | null;
  maxTargetInFlightPerPod: number | null;
  upscaleCooldownMs: number | null;
  downscaleCooldownMs: number | null;
  highLoadThreshold: number | null;
  lowLoadThreshold: number | null;
}

export interface ResolvedScalingMetric {
  type: string;
  target: string | null;
  query: string | null;
}

export interface ResolvedScalingConfig {
  strategy: "INTERNAL" | "HPA" | "NONE";
  minReplicas: number;
  maxReplicas: number;
  metrics: ResolvedScalingMetric[];
  concurrencyControl: ResolvedConcurrencyControl;
}

/** Installation-wide defaults for omitted scaling fields (NANOFAAS_SCALING_DEFAULT_* settings). */
export interface ScalingDefaults {
  minReplicas: number;
  maxReplicas: number;
  upscaleCooldownMs: number;
  downscaleCooldownMs: number;
  highLoadThreshold: number;
  lowLoadThreshold: number;
}

/** The reference's hard-coded values, which the settings default to. */
export const REFERENCE_SCALING_DEFAULTS: ScalingDefaults = {
  minReplicas: 1,
  maxReplicas: 10,
  upscaleCooldownMs: 30_000,
  downscaleCooldownMs: 60_000,
  highLoadThreshold: 0.85,
  lowLoadThreshold: 0.35,
};

export const INTERNAL_METRIC_TYPES = ["queue_depth", "in_flight", "rps"] as const;
const DEFAULT_METRIC: ResolvedScalingMetric = { type: "queue_depth", target: "5", query: null };

const FIXED: ResolvedConcurrencyControl = {
  mode: "FIXED",
  targetInFlightPerPod: null,
  minTargetInFlightPerPod: null,
  maxTargetInFlightPerPod: null,
  upscaleCooldownMs: null,
  downscaleCooldownMs: null,
  highLoadThreshold: null,
  lowLoadThreshold: null,
};

const fail = (detail: string) => validation(detail, [`scalingConfig: ${detail}`]);

export function resolveScalingConfig(
  input: ScalingInput,
  defaults: ScalingDefaults = REFERENCE_SCALING_DEFAULTS,
): ResolvedScalingConfig {
  const strategy = input?.strategy ?? "INTERNAL";
  const metrics =
    input?.metrics && input.metrics.length > 0
      ? input.metrics.map((m) => ({ type: m.type, target: m.target ?? null, query: m.query ?? null }))
      : [{ ...DEFAULT_METRIC }];
  if (strategy === "INTERNAL") {
    for (const m of metrics) {
      if (!(INTERNAL_METRIC_TYPES as readonly string[]).includes(m.type)) {
        throw fail(`Unsupported INTERNAL scaling metric: ${m.type}`);
      }
    }
  }
  const maxReplicas = input?.maxReplicas ?? defaults.maxReplicas;
  // An explicit maxReplicas below the default minimum lowers the minimum rather than failing.
  const minReplicas = input?.minReplicas ?? Math.min(defaults.minReplicas, maxReplicas);
  if (maxReplicas < 1) throw fail("maxReplicas must be >= 1");
  if (minReplicas < 0) throw fail("minReplicas must be >= 0");
  if (minReplicas > maxReplicas) throw fail("minReplicas must be <= maxReplicas");
  return {
    strategy,
    minReplicas,
    maxReplicas,
    metrics,
    concurrencyControl: resolveConcurrencyControl(input?.concurrencyControl, defaults),
  };
}

function resolveConcurrencyControl(
  input: NonNullable<ScalingInput>["concurrencyControl"],
  defaults: ScalingDefaults,
): ResolvedConcurrencyControl {
  if (!input?.mode || input.mode === "FIXED") return { ...FIXED };
  const max = Math.max(1, input.maxTargetInFlightPerPod ?? 8);
  const min = Math.min(Math.max(1, input.minTargetInFlightPerPod ?? 1), max);
  const target = Math.min(Math.max(input.targetInFlightPerPod ?? 2, min), max);
  return {
    mode: input.mode,
    targetInFlightPerPod: target,
    minTargetInFlightPerPod: min,
    maxTargetInFlightPerPod: max,
    upscaleCooldownMs: input.upscaleCooldownMs ?? defaults.upscaleCooldownMs,
    downscaleCooldownMs: input.downscaleCooldownMs ?? defaults.downscaleCooldownMs,
    highLoadThreshold: input.highLoadThreshold ?? defaults.highLoadThreshold,
    lowLoadThreshold: input.lowLoadThreshold ?? defaults.lowLoadThreshold,
  };
}
