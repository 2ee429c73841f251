import { describe, expect, test } from "bun:test";
import { REFERENCE_SCALING_DEFAULTS, resolveScalingConfig } from "./scaling-config";

const installation = {
  minReplicas: 2,
  maxReplicas: 20,
  upscaleCooldownMs: 1000,
  downscaleCooldownMs: 2000,
  highLoadThreshold: 0.9,
  lowLoadThreshold: 0.1,
};

describe("installation scaling defaults (NANOFAAS_SCALING_DEFAULT_* settings)", () => {
  test("fill omitted replicas and adaptive knobs; explicit values win", () => {
    const omitted = resolveScalingConfig({ concurrencyControl: { mode: "ADAPTIVE_PER_POD" } }, installation);
    expect([omitted.minReplicas, omitted.maxReplicas]).toEqual([2, 20]);
    expect(omitted.concurrencyControl).toMatchObject({
      upscaleCooldownMs: 1000,
      downscaleCooldownMs: 2000,
      highLoadThreshold: 0.9,
      lowLoadThreshold: 0.1,
    });
    const given = resolveScalingConfig(
      { minReplicas: 0, maxReplicas: 3, concurrencyControl: { mode: "ADAPTIVE_PER_POD", upscaleCooldownMs: 5 } },
      installation,
    );
    expect([given.minReplicas, given.maxReplicas, given.concurrencyControl.upscaleCooldownMs]).toEqual([0, 3, 5]);
  });

  test("an explicit maxReplicas below the default minimum lowers the minimum instead of failing", () => {
    expect(resolveScalingConfig({ maxReplicas: 1 }, installation)).toMatchObject({ minReplicas: 1, maxReplicas: 1 });
  });

  test("without installation defaults, the reference's hard-coded values apply", () => {
    expect(resolveScalingConfig(undefined)).toMatchObject({
      minReplicas: REFERENCE_SCALING_DEFAULTS.minReplicas,
      maxReplicas: REFERENCE_SCALING_DEFAULTS.maxReplicas,
    });
    expect([REFERENCE_SCALING_DEFAULTS.minReplicas, REFERENCE_SCALING_DEFAULTS.maxReplicas]).toEqual([1, 10]);
  });
});
