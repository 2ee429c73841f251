/**
 * @module
 * The autoscaling/v2 HPA for `scalingConfig.strategy: HPA` (reference control-plane.md §6.2).
 * Metric translation follows the reference: cpu/memory → Resource utilisation; queue_depth,
 * in_flight and rps → External `nanofaas_<type>` selected by `function=<name>`; prometheus →
 * External `nanofaas_custom_<name>`; anything else is dropped. The External metrics need a
 * metrics adapter (e.g. prometheus-adapter) that serves them — docs/kubernetes.md says how.
 */

import { deploymentScaling } from "../../domain/function-scaling";
import type { ResolvedFunction } from "../../domain/resolved-function";
import type { ResolvedScalingMetric } from "../../domain/scaling-config";
import { functionLabels, objectName, selectorLabels } from "./labels";

/** A target that is not a positive integer becomes 50, as the reference. */
export const DEFAULT_HPA_TARGET = 50;

export function hpaTarget(target: string | null): number {
  const trimmed = target?.trim() ?? "";
  const value = /^\d+$/.test(trimmed) ? Number(trimmed) : 0;
  return value > 0 ? value : DEFAULT_HPA_TARGET;
}

function external(metricName: string, fnName: string, target: number) {
  return {
    type: "External",
    external: {
      metric: { name: metricName, selector: { matchLabels: selectorLabels(fnName) } },
      target: { type: "Value", value: String(target) },
    },
  };
}

export function hpaMetric(metric: ResolvedScalingMetric, fnName: string) {
  const target = hpaTarget(metric.target);
  switch (metric.type) {
    case "cpu":
    case "memory":
      return {
        type: "Resource",
        resource: { name: metric.type, target: { type: "Utilization", averageUtilization: target } },
      };
    case "queue_depth":
    case "in_flight":
    case "rps":
      return external(`nanofaas_${metric.type}`, fnName, target);
    case "prometheus":
      return external(`nanofaas_custom_${fnName}`, fnName, target);
    default:
      return undefined;
  }
}

export function buildHpa(fn: ResolvedFunction, namespace: string) {
  const scaling = deploymentScaling(fn);
  const name = objectName(fn.name);
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name, namespace, labels: functionLabels(fn.name) },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
      // The HPA API rejects minReplicas 0 unless the HPAScaleToZero feature gate is on.
      minReplicas: Math.max(1, scaling?.minReplicas ?? 1),
      maxReplicas: scaling?.maxReplicas ?? 10,
      metrics: (scaling?.metrics ?? []).map((m) => hpaMetric(m, fn.name)).filter((m) => m !== undefined),
    },
  };
}
