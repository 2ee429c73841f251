/**
 * @module
 * NANOFAAS_CRD_MODE=mirror: functions registered through the REST API are also written as
 * Function resources, marked with the `nanofaas.io/source: api` annotation, so `kubectl get
 * functions` lists every function. A mirror is a report, not a source: the operator never
 * registers from it (it only writes its status), an API delete removes it, an API update (PUT,
 * rollback) rewrites its spec, and a mirror deleted or edited by hand is written back at the next
 * resync while its function exists.
 */
import { isDeepStrictEqual } from "node:util";
import type { FunctionObject, FunctionResources } from "../deploy/k8s/function-resources";
import { redactEventSources } from "../domain/event-sources";
import { FunctionSpec } from "../domain/function-spec";
import type { ResolvedFunction } from "../domain/resolved-function";
import type { FunctionLifecycleListener } from "../execution/function-lifecycle";
import { CRD_GROUP, CRD_VERSION, FUNCTION_KIND } from "./function-crd";
import { optimisticUpdate } from "./resource-writes";

export const SOURCE_ANNOTATION = "nanofaas.io/source";

export const isMirror = (obj: FunctionObject) => obj.metadata.annotations?.[SOURCE_ANNOTATION] === "api";

// Resource names are DNS subdomains; function names may also hold capitals and underscores.
const RESOURCE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

type SpecField = Exclude<keyof FunctionSpec, "name">;

/**
 * FunctionSpec fields a mirror leaves out, and why. Every other field of the spec schema is
 * mirrored: the list is derived from `FunctionSpec.shape`, so a field added to the spec reaches
 * the resource without touching this file (mirror.test.ts round-trips a spec that sets them all).
 */
export const NOT_MIRRORED: Partial<Record<keyof FunctionSpec, string>> = {
  name: "the resource's metadata.name",
  schedule: "resolved into schedules as the entry with id default",
};

/** Fields whose resolved form differs from the spec's; the rest are copied as resolved. */
const FROM_RESOLVED: Partial<Record<SpecField, (fn: ResolvedFunction) => unknown>> = {
  command: (fn) => (fn.command.length > 0 ? fn.command : undefined),
  env: (fn) => (Object.keys(fn.env).length > 0 ? fn.env : undefined),
  // DEPLOYMENT and REMOTE functions get an endpoint from provisioning; only POOL's is the user's.
  endpointUrl: (fn) => (fn.requestedExecutionMode === "POOL" ? fn.endpointUrl : undefined),
  executionMode: (fn) => fn.requestedExecutionMode,
  // Anyone who may read Function resources would read broker passwords: redacted as GET does.
  eventSources: (fn) => (fn.eventSources ? redactEventSources(fn.eventSources) : undefined),
};

const MIRRORED = (Object.keys(FunctionSpec.shape) as (keyof FunctionSpec)[]).filter(
  (key): key is SpecField => !(key in NOT_MIRRORED),
);

/**
 * The spec a resolved function was registered with, defaults applied (scalingConfig, retryBackoff,
 * circuitBreaker, schedules and chain as resolved): registering it again resolves the same function.
 */
export function specOf(fn: ResolvedFunction): Omit<FunctionSpec, "name"> {
  const resolved = fn as unknown as Record<string, unknown>;
  const spec: Record<string, unknown> = {};
  for (const key of MIRRORED) {
    const value = FROM_RESOLVED[key] ? FROM_RESOLVED[key](fn) : resolved[key];
    if (value !== undefined) spec[key] = value;
  }
  return spec as Omit<FunctionSpec, "name">;
}

/** Compared as JSON, the form the API server stores (no undefined members). */
const sameSpec = (stored: unknown, spec: object) => isDeepStrictEqual(stored, JSON.parse(JSON.stringify(spec)));

export interface MirrorOptions {
  resources: FunctionResources;
  /** Functions the operator registered from resources: those are not mirrored. */
  owns: (name: string) => boolean;
  list: () => ResolvedFunction[];
  isLeader?: () => boolean;
  log: (event: string, fields?: Record<string, unknown>) => void;
}

export class FunctionMirror implements FunctionLifecycleListener {
  constructor(private readonly o: MirrorOptions) {}

  private leads = () => this.o.isLeader?.() ?? true;

  onRegistered(fn: ResolvedFunction): void {
    if (this.leads()) void this.write(fn);
  }

  /**
   * A PUT or rollback replaced the function in place: its mirror gets the new spec. (Without this
   * the registry's fallback — onRemoved then onRegistered — deleted the mirror and, the cache still
   * holding it, wrote nothing until the next resync.)
   */
  onUpdated(fn: ResolvedFunction): void {
    if (!this.leads() || this.o.owns(fn.name)) return;
    const obj = this.o.resources.cached(fn.name);
    if (!obj) return void this.write(fn);
    if (!isMirror(obj)) return;
    optimisticUpdate(this.o.resources, obj, (o) => ({ ...o, spec: specOf(fn) })).catch((error) =>
      this.o.log("operator_mirror_failed", { function: fn.name, error: String(error) }),
    );
  }

  onRemoved(fn: ResolvedFunction): void {
    if (!this.leads() || this.o.owns(fn.name)) return;
    const obj = this.o.resources.cached(fn.name);
    if (obj && !isMirror(obj)) return;
    this.o.resources
      .delete(fn.name)
      .catch((error) => this.o.log("operator_mirror_failed", { function: fn.name, error: String(error) }));
  }

  /**
   * Writes missing mirrors, rewrites mirrors whose spec is not the function's (written by an older
   * version with fewer fields, edited by hand, or an update missed while not leading), and removes
   * those whose function is gone (the resync).
   */
  async resync(): Promise<void> {
    if (!this.leads()) return;
    const names = new Set<string>();
    for (const fn of this.o.list()) {
      names.add(fn.name);
      const obj = this.o.resources.cached(fn.name);
      if (!obj) await this.write(fn);
      else if (isMirror(obj) && !this.o.owns(fn.name) && !sameSpec(obj.spec, specOf(fn)))
        await optimisticUpdate(this.o.resources, obj, (o) => ({ ...o, spec: specOf(fn) })).catch((error) =>
          this.o.log("operator_mirror_failed", { function: fn.name, error: String(error) }),
        );
    }
    for (const obj of this.o.resources.cachedAll())
      if (isMirror(obj) && !names.has(obj.metadata.name)) await this.o.resources.delete(obj.metadata.name);
  }

  private async write(fn: ResolvedFunction): Promise<void> {
    if (this.o.owns(fn.name) || this.o.resources.cached(fn.name)) return;
    if (!RESOURCE_NAME.test(fn.name) || fn.name.length > 253)
      return this.o.log("operator_mirror_skipped", { function: fn.name, reason: "not a Kubernetes object name" });
    const body: FunctionObject = {
      apiVersion: `${CRD_GROUP}/${CRD_VERSION}`,
      kind: FUNCTION_KIND,
      metadata: { name: fn.name, annotations: { [SOURCE_ANNOTATION]: "api" } },
      spec: specOf(fn),
    };
    await this.o.resources
      .create(body)
      .catch((error) => this.o.log("operator_mirror_failed", { function: fn.name, error: String(error) }));
  }
}
