import { describe, expect, test } from "bun:test";
import type { ResolvedConcurrencyControl } from "../domain/scaling-config";
import { type AdaptiveState, type ConcurrencyInput, nextConcurrency } from "./concurrency-control";

const control = (
  mode: ResolvedConcurrencyControl["mode"],
  overrides: Partial<ResolvedConcurrencyControl> = {},
): ResolvedConcurrencyControl => ({
  mode,
  targetInFlightPerPod: mode === "FIXED" ? null : 2,
  minTargetInFlightPerPod: mode === "FIXED" ? null : 1,
  maxTargetInFlightPerPod: mode === "FIXED" ? null : 4,
  upscaleCooldownMs: mode === "FIXED" ? null : 30_000,
  downscaleCooldownMs: mode === "FIXED" ? null : 60_000,
  highLoadThreshold: mode === "FIXED" ? null : 0.85,
  lowLoadThreshold: mode === "FIXED" ? null : 0.35,
  ...overrides,
});
const input = (c: ResolvedConcurrencyControl, overrides: Partial<ConcurrencyInput> = {}): ConcurrencyInput => ({
  control: c,
  concurrency: 8,
  replicas: 2,
  ratio: 0.5,
  base: 2,
  maxReplicas: 5,
  downscaleSignalled: false,
  now: 1_000_000,
  defaultTarget: 2,
  ...overrides,
});

describe("FIXED and STATIC_PER_POD", () => {
  test.each([
    ["FIXED keeps concurrency", input(control("FIXED")), 8, 0],
    ["STATIC: replicas × target", input(control("STATIC_PER_POD"), { replicas: 3 }), 6, 2],
    ["STATIC: capped by concurrency", input(control("STATIC_PER_POD"), { replicas: 9 }), 8, 2],
    ["STATIC: zero replicas size for one", input(control("STATIC_PER_POD"), { replicas: 0 }), 2, 2],
    [
      "STATIC: no target means 1 per pod",
      input(control("STATIC_PER_POD", { targetInFlightPerPod: null }), { replicas: 3 }),
      3,
      1,
    ],
  ] as const)("%s", (_name, args, effective, target) => {
    expect(nextConcurrency(args)).toMatchObject({ effective, target });
  });
});

describe("ADAPTIVE_PER_POD", () => {
  const adaptive = control("ADAPTIVE_PER_POD");
  const state = (target: number, overrides: Partial<AdaptiveState> = {}): AdaptiveState => ({
    target,
    lastIncreaseAt: -Infinity,
    lastDecreaseAt: -Infinity,
    lastDownscaleSignalAt: -Infinity,
    ...overrides,
  });

  test.each([
    ["starts at the configured target (mid load: no move)", input(adaptive), undefined, 2, 4],
    ["low load raises the target", input(adaptive, { ratio: 0.1 }), state(2), 3, 6],
    [
      "low load right after a raise waits for the up-cooldown",
      input(adaptive, { ratio: 0.1 }),
      state(3, { lastIncreaseAt: 1_000_000 - 10_000 }),
      3,
      6,
    ],
    [
      "low load but a recent downscale signal: no raise",
      input(adaptive, { ratio: 0.1 }),
      state(2, { lastDownscaleSignalAt: 1_000_000 - 1_000 }),
      2,
      4,
    ],
    [
      "a downscale signalled this tick blocks the raise",
      input(adaptive, { ratio: 0.1, downscaleSignalled: true }),
      state(2),
      2,
      4,
    ],
    ["raise stops at max", input(adaptive, { ratio: 0.1 }), state(4), 4, 8],
    [
      "saturated at maxReplicas lowers the target",
      input(adaptive, { ratio: 0.9, base: 5, replicas: 5 }),
      state(3),
      2,
      8,
    ],
    ["high load below maxReplicas: scale out instead", input(adaptive, { ratio: 0.9, base: 3 }), state(3), 3, 6],
    ["lowering stops at min", input(adaptive, { ratio: 2, base: 5, replicas: 5 }), state(1), 1, 5],
    [
      "lowering waits for the down-cooldown",
      input(adaptive, { ratio: 2, base: 5, replicas: 5 }),
      state(3, { lastDecreaseAt: 1_000_000 - 59_000 }),
      3,
      8,
    ],
  ] as const)("%s", (_name, args, previous, target, effective) => {
    const result = nextConcurrency(args, previous);
    expect({ target: result.target, effective: result.effective }).toEqual({ target, effective });
  });

  test("without a configured target the default is used, clamped into [min, max]", () => {
    const result = nextConcurrency(
      input(control("ADAPTIVE_PER_POD", { targetInFlightPerPod: null }), { defaultTarget: 9 }),
    );
    expect(result.target).toBe(4);
  });
});
