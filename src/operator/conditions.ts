/**
 * @module
 * A Function resource's `status` from what the operator saw (pure). Conditions follow the
 * Kubernetes convention: CamelCase reasons, and `lastTransitionTime` moves only when a
 * condition's status changes — so writing the same status twice is recognisably a no-op and the
 * operator does not answer its own status write with another one.
 */
import { stableJson } from "../lib/stable-json";
import type { CONDITION_TYPES } from "./function-crd";

export type ConditionType = (typeof CONDITION_TYPES)[number];
export type ConditionStatus = "True" | "False" | "Unknown";

export interface Condition {
  type: ConditionType;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface FunctionResourceStatus {
  conditions: Condition[];
  observedGeneration: number;
  readyReplicas?: number;
  version?: string;
  url?: string;
}

/** One condition before it gets a transition time. */
export type ConditionValue = Omit<Condition, "lastTransitionTime" | "observedGeneration">;

/** What the reconcile found, in the terms the status reports. */
export interface Observation {
  generation: number;
  /** The generation whose spec is running, if any runs. */
  runningGeneration?: number;
  /** Why the current spec is not running (invalid spec, provisioning failed, name taken). */
  failure?: { reason: string; message: string };
  /** DEPLOYMENT: ready / desired replicas (desired undefined while no Deployment is seen). */
  replicas?: { ready: number; desired?: number };
  /** The function runs as POOL although DEPLOYMENT was asked for. */
  degradation?: string;
  url?: string;
}

export function conditionsOf(o: Observation): ConditionValue[] {
  const running = o.runningGeneration !== undefined;
  const provisioned: ConditionValue = o.failure
    ? { type: "Provisioned", status: "False", ...o.failure }
    : { type: "Provisioned", status: "True", reason: "Provisioned", message: `generation ${o.generation} is running` };
  const enough =
    o.replicas === undefined ||
    (o.replicas.desired === undefined ? o.replicas.ready > 0 : o.replicas.ready >= o.replicas.desired);
  const ready: ConditionValue = !running
    ? { type: "Ready", status: "False", reason: o.failure?.reason ?? "Pending", message: "not running" }
    : enough
      ? { type: "Ready", status: "True", reason: "ReplicasReady", message: replicaText(o.replicas) }
      : { type: "Ready", status: "False", reason: "ReplicasStarting", message: replicaText(o.replicas) };
  const degraded: ConditionValue = o.failure
    ? { type: "Degraded", status: "True", ...o.failure }
    : o.degradation
      ? { type: "Degraded", status: "True", reason: "RunningAsPool", message: o.degradation }
      : { type: "Degraded", status: "False", reason: "AsExpected", message: "" };
  return [ready, provisioned, degraded];
}

const replicaText = (r: Observation["replicas"]) =>
  r === undefined ? "invocations run now" : `${r.ready} of ${r.desired ?? "?"} replicas ready`;

/** The status to write, keeping the transition times of conditions whose status did not change. */
export function statusOf(o: Observation, previous: unknown, now: () => Date): FunctionResourceStatus {
  const before = previousConditions(previous);
  const conditions = conditionsOf(o).map((c) => {
    const old = before.find((p) => p.type === c.type);
    const lastTransitionTime =
      old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : now().toISOString();
    return { ...c, lastTransitionTime, observedGeneration: o.generation };
  });
  return {
    conditions,
    observedGeneration: o.generation,
    ...(o.replicas ? { readyReplicas: o.replicas.ready } : {}),
    ...(o.runningGeneration !== undefined ? { version: String(o.runningGeneration) } : {}),
    ...(o.url && o.runningGeneration !== undefined ? { url: o.url } : {}),
  };
}

function previousConditions(previous: unknown): Partial<Condition>[] {
  const conditions = (previous as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(conditions) ? conditions : [];
}

/** Whether writing `next` over `current` would change anything. */
export const sameStatus = (current: unknown, next: FunctionResourceStatus) =>
  stableJson(current ?? {}) === stableJson(next);
