import { describe, expect, test } from "bun:test";
import { decideScaling, loadRatio, metricTarget, type ScalingInput } from "./scaling-decision";

const NOW = 1_000_000;
const LONG_AGO = -Infinity;
const row = (
  overrides: Partial<ScalingInput> & { requested?: number; upAgo?: number; downAgo?: number },
): ScalingInput => ({
  ratio: 0,
  ready: 1,
  pending: 0,
  minReplicas: 1,
  maxReplicas: 10,
  now: NOW,
  ...overrides,
  state: {
    requested: overrides.requested ?? overrides.ready ?? 1,
    lastScaleUpAt: overrides.upAgo === undefined ? LONG_AGO : NOW - overrides.upAgo,
    lastScaleDownAt: overrides.downAgo === undefined ? LONG_AGO : NOW - overrides.downAgo,
  },
});

describe("decideScaling", () => {
  test.each([
    // name, input, expected action, replicas, reason
    ["steady load stays", row({ ratio: 1, ready: 2, requested: 2 }), "none", 2, "steady"],
    [
      "queue over target scales up: ceil(2 × 2)",
      row({ ratio: 2, ready: 2, requested: 2, pending: 20 }),
      "up",
      4,
      "load",
    ],
    ["scale-up capped at max", row({ ratio: 9, ready: 3, requested: 3, pending: 50 }), "up", 10, "load"],
    [
      "scale-up within 30 s of the last one waits",
      row({ ratio: 2, ready: 2, requested: 2, pending: 20, upAgo: 29_999 }),
      "none",
      4,
      "cooldown",
    ],
    [
      "scale-up after exactly 30 s goes",
      row({ ratio: 2, ready: 2, requested: 2, pending: 20, upAgo: 30_000 }),
      "up",
      4,
      "load",
    ],
    [
      "pods still starting: no second request for fewer",
      row({ ratio: 2, ready: 1, requested: 3, pending: 10 }),
      "none",
      2,
      "already-requested",
    ],
    ["idle scales down to min", row({ ratio: 0, ready: 4, requested: 4 }), "down", 1, "load"],
    [
      "scale-down within 60 s of the last one waits",
      row({ ratio: 0, ready: 4, requested: 4, downAgo: 59_999 }),
      "none",
      1,
      "cooldown",
    ],
    ["idle with min 0 scales to zero", row({ ratio: 0, ready: 1, requested: 1, minReplicas: 0 }), "down", 0, "load"],
    [
      "already at zero: no repeated call",
      row({ ratio: 0, ready: 0, requested: 0, minReplicas: 0 }),
      "none",
      0,
      "already-requested",
    ],
    [
      "first invocation at zero scales up at once",
      row({ ratio: 0.2, ready: 0, requested: 0, minReplicas: 0, pending: 1 }),
      "up",
      1,
      "scale-from-zero",
    ],
    [
      "from zero ignores the up-cooldown",
      row({ ratio: 0.2, ready: 0, requested: 0, minReplicas: 0, pending: 1, upAgo: 1 }),
      "up",
      1,
      "scale-from-zero",
    ],
    [
      "from zero with a big queue asks for more",
      row({ ratio: 4, ready: 0, requested: 0, minReplicas: 0, pending: 20 }),
      "up",
      4,
      "scale-from-zero",
    ],
    [
      "reference weakness fixed: one queued call, nothing ready",
      row({ ratio: 0.2, ready: 0, requested: 1, pending: 1 }),
      "up",
      1,
      "no-ready-replica",
    ],
    [
      "nothing ready, asked recently: wait for the pods",
      row({ ratio: 0.2, ready: 0, requested: 1, pending: 1, upAgo: 5_000 }),
      "none",
      1,
      "steady",
    ],
    [
      "in-flight work counts as pending",
      row({ ratio: 0, ready: 0, requested: 0, minReplicas: 0, pending: 1 }),
      "up",
      1,
      "scale-from-zero",
    ],
  ] as const)("%s", (_name, input, action, replicas, reason) => {
    const decision = decideScaling(input);
    expect({ action: decision.action, replicas: decision.replicas, reason: decision.reason }).toEqual({
      action,
      replicas,
      reason,
    });
  });

  test("base is max(1, minReplicas) when nothing is ready (reference)", () => {
    expect(decideScaling(row({ ratio: 0, ready: 0, requested: 3, minReplicas: 3 })).base).toBe(3);
    expect(decideScaling(row({ ratio: 0, ready: 0, requested: 0, minReplicas: 0 })).base).toBe(1);
  });
});

describe("loadRatio", () => {
  const values = { queue_depth: 10, in_flight: 3, rps: 40 };
  test.each([
    ["queue_depth 5", [{ type: "queue_depth", target: "5" }], 2],
    [
      "max of metrics",
      [
        { type: "queue_depth", target: "20" },
        { type: "rps", target: "10" },
      ],
      4,
    ],
    ["in_flight", [{ type: "in_flight", target: "2" }], 1.5],
    ["decimal target", [{ type: "rps", target: "80.0" }], 0.5],
    ["blank target is 50", [{ type: "rps", target: " " }], 0.8],
    ["invalid target is 50", [{ type: "rps", target: "fast" }], 0.8],
    [
      "zero or negative targets do not count",
      [
        { type: "rps", target: "0" },
        { type: "in_flight", target: "-1" },
      ],
      0,
    ],
    ["unknown types do not count", [{ type: "cpu", target: "1" }], 0],
  ] as const)("%s", (_name, metrics, expected) => {
    expect(
      loadRatio(
        metrics.map((m) => ({ ...m, query: null })),
        values,
      ),
    ).toBe(expected);
  });

  test("metricTarget parses decimals", () => {
    expect(metricTarget("2.5")).toBe(2.5);
    expect(metricTarget(null)).toBe(50);
  });
});
