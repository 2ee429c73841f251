import { describe, expect, test } from "bun:test";
import { resolveFunction } from "../../domain/resolved-function";
import { buildHpa, hpaMetric, hpaTarget } from "./hpa";

const defaults = { timeoutMs: 30_000, concurrency: 4, queueSize: 100, maxRetries: 3 };
const external = (name: string, value: string) => ({
  type: "External",
  external: { metric: { name, selector: { matchLabels: { function: "f" } } }, target: { type: "Value", value } },
});

describe("HPA metric translation (reference §6.2)", () => {
  test.each([
    [
      "cpu",
      "70",
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
    ],
    [
      "memory",
      "80",
      { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } } },
    ],
    ["queue_depth", "5", external("nanofaas_queue_depth", "5")],
    ["in_flight", "3", external("nanofaas_in_flight", "3")],
    ["rps", "100", external("nanofaas_rps", "100")],
    ["prometheus", "7", external("nanofaas_custom_f", "7")],
    [
      "cpu",
      "0.5",
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } },
    ],
    ["gpu", "1", undefined],
  ] as const)("%s with target %s", (type, target, expected) => {
    expect(hpaMetric({ type, target, query: null }, "f")).toEqual(expected as never);
  });

  test.each([
    ["12", 12],
    [" 3 ", 3],
    ["abc", 50],
    ["", 50],
    [null, 50],
    ["0", 50],
    ["-4", 50],
    ["2.5", 50],
  ] as const)("target %p → %p", (raw, expected) => expect(hpaTarget(raw)).toBe(expected));
});

describe("buildHpa", () => {
  test("targets the Deployment with min/max; minReplicas 0 becomes 1 (the HPA API rejects 0)", () => {
    const fn = resolveFunction(
      {
        name: "f",
        image: "i",
        scalingConfig: {
          strategy: "HPA",
          minReplicas: 0,
          maxReplicas: 7,
          metrics: [{ type: "cpu", target: "60" }, { type: "nope" }],
        },
      },
      defaults,
    );
    const hpa = buildHpa(fn, "fns");
    expect(hpa.apiVersion).toBe("autoscaling/v2");
    expect(hpa.metadata).toMatchObject({ name: "fn-f", namespace: "fns", labels: { app: "nanofaas", function: "f" } });
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "fn-f" },
      minReplicas: 1,
      maxReplicas: 7,
      metrics: [
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } },
      ],
    });
  });
});
