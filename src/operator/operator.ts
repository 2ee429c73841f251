/**
 * @module
 * The Function operator (SPEC-platform §9): the leader reconciles `functions.nanofaas.io`
 * resources into the registry and the workloads. Each change the watch reports, each ready-replica
 * change and each resync tick reconciles one name at a time (a second request for a busy name runs
 * once more after it): a finalizer is added first, the spec is checked with the same zod schema as
 * the REST API, a new or changed spec is (re-)registered, a hand-deleted Deployment is provisioned
 * again, and the status subresource reports Ready/Provisioned/Degraded with observedGeneration.
 * A deleted resource's workloads go before its finalizer does. Failures become Warning Events and
 * Degraded conditions, and are retried at the next resync. Writes are optimistic and retried on
 * 409 (`ResourceConflict`) from a fresh read.
 */
import type { Deployer } from "../deploy/deployer";
import type { FunctionObject, FunctionResources, WatchEvent } from "../deploy/k8s/function-resources";
import { NanofaasError } from "../domain/errors";
import { FunctionSpec } from "../domain/function-spec";
import type { ResolvedFunction } from "../domain/resolved-function";
import { stableJson } from "../lib/stable-json";
import type { FunctionService } from "../registry/function-service";
import { type Observation, sameStatus, statusOf } from "./conditions";
import { FUNCTION_FINALIZER } from "./function-crd";
import { isMirror } from "./mirror";
import { addFinalizer, optimisticUpdate, PerName, removeFinalizer } from "./resource-writes";

export interface OperatorOptions {
  resources: FunctionResources;
  functions: FunctionService;
  deployer?: Deployer;
  /** Only the leader reconciles (issue 20); always when omitted. */
  isLeader?: () => boolean;
  /** Where a function is invoked, for `status.url`. */
  invokeUrl: (name: string) => string;
  log: (event: string, fields?: Record<string, unknown>) => void;
  now?: () => Date;
}

export class FunctionOperator {
  /** Functions this operator registered: the spec and generation running. */
  private readonly owned = new Map<string, { spec: string; generation: number }>();
  private readonly queue = new PerName((name, error) =>
    this.o.log("operator_reconcile_failed", { function: name, error: String(error) }),
  );
  private readonly isLeader: () => boolean;
  private readonly now: () => Date;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly o: OperatorOptions) {
    this.isLeader = o.isLeader ?? (() => true);
    this.now = o.now ?? (() => new Date());
  }

  /** Starts the watch; resolves after the first list has been reconciled. */
  async start(): Promise<void> {
    this.o.resources.start((type, obj) => this.onWatch(type, obj));
    this.unsubscribe = this.o.deployer?.onReadyChange((name) => {
      if (this.o.resources.cached(name)) void this.reconcile(name);
    });
    await this.o.resources.synced;
    await this.resync();
  }

  /** Reconciles every known resource (the periodic resync: drift repair, retries after failures). */
  async resync(): Promise<void> {
    await Promise.all(this.o.resources.cachedAll().map((obj) => this.reconcile(obj.metadata.name)));
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.o.resources.close();
    await this.queue.idle();
  }

  /** Whether `name` is a function this operator registered from a resource. */
  owns = (name: string) => this.owned.has(name);

  private onWatch(type: WatchEvent, obj: FunctionObject): void {
    void this.reconcile(obj.metadata.name, type === "DELETED");
  }

  /** Reconciles `name`, serialised per name; resolves when no request for it is pending. */
  reconcile(name: string, gone = false): Promise<void> {
    if (!this.isLeader()) return Promise.resolve();
    return this.queue.run(name, () => this.reconcileOnce(name, gone));
  }

  private async reconcileOnce(name: string, gone: boolean): Promise<void> {
    const obj = this.o.resources.cached(name);
    if (!obj || gone) return this.forget(name);
    if (isMirror(obj)) return void (await this.writeStatus(obj, this.observe(obj, this.o.functions.get(name))));
    if (obj.metadata.deletionTimestamp) return this.finalize(obj);
    const current = await this.ensureFinalizer(obj);
    const generation = current.metadata.generation ?? 1;
    const parsed = FunctionSpec.safeParse({ ...current.spec, name });
    if (!parsed.success) {
      const message = parsed.error.issues.map((i) => `spec.${i.path.join(".")}: ${i.message}`).join("; ");
      return this.fail(current, { reason: "InvalidSpec", message });
    }
    try {
      const fn = await this.apply(current, parsed.data, generation);
      await this.writeStatus(current, this.observe(current, fn));
    } catch (error) {
      const reason = error instanceof NanofaasError && error.code === "CONFLICT" ? "NameTaken" : "ProvisionFailed";
      await this.fail(current, { reason, message: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Registers a new or changed spec; for an unchanged one, repairs a missing Deployment. */
  private async apply(obj: FunctionObject, spec: FunctionSpec, generation: number): Promise<ResolvedFunction> {
    const { name } = obj.metadata;
    const desired = stableJson(spec);
    const owned = this.owned.get(name);
    const existing = this.o.functions.get(name);
    if (existing && !owned)
      throw new NanofaasError("CONFLICT", `Function '${name}' is registered through the API, not by this resource`);
    if (existing && owned?.spec === desired) {
      await this.repairDrift(obj, existing);
      this.owned.set(name, { spec: desired, generation: owned.generation });
      return existing;
    }
    // A changed spec replaces the function: its queue and workloads are rebuilt from the new spec.
    if (existing) await this.o.functions.remove(name);
    this.owned.delete(name);
    const fn = await this.o.functions.register(spec, "resource");
    this.owned.set(name, { spec: desired, generation });
    await this.o.resources.recordEvent(obj, "Normal", "Provisioned", `generation ${generation} registered`);
    return fn;
  }

  /** A DEPLOYMENT function whose Deployment the backend no longer sees gets it back. */
  private async repairDrift(obj: FunctionObject, fn: ResolvedFunction): Promise<void> {
    const { deployer } = this.o;
    if (!deployer || !fn.deploymentBackend || deployer.desiredReplicas?.(fn.name) !== undefined) return;
    await deployer.provision(fn);
    this.o.log("operator_drift_repaired", { function: fn.name });
    await this.o.resources.recordEvent(obj, "Normal", "DriftRepaired", "the function's workload was recreated");
  }

  private observe(obj: FunctionObject, fn: ResolvedFunction | undefined): Observation {
    const { name } = obj.metadata;
    const { deployer } = this.o;
    const deployed = fn?.deploymentBackend && fn.effectiveExecutionMode === "DEPLOYMENT" && deployer;
    return {
      generation: obj.metadata.generation ?? 1,
      runningGeneration: fn ? (this.owned.get(name)?.generation ?? obj.metadata.generation ?? 1) : undefined,
      replicas: deployed
        ? { ready: deployer.readyReplicas(name), desired: deployer.desiredReplicas?.(name) }
        : undefined,
      degradation: fn?.degradationReason,
      url: this.o.invokeUrl(name),
    };
  }

  private async fail(obj: FunctionObject, failure: { reason: string; message: string }): Promise<void> {
    this.o.log("operator_function_failed", { function: obj.metadata.name, ...failure });
    const observation = { ...this.observe(obj, this.o.functions.get(obj.metadata.name)), failure };
    if (!this.owned.has(obj.metadata.name)) observation.runningGeneration = undefined;
    const changed = await this.writeStatus(obj, observation);
    // One Event per new failure, not one per resync.
    if (changed) await this.o.resources.recordEvent(obj, "Warning", failure.reason, failure.message);
  }

  /** Removes the workloads of a resource being deleted, then its finalizer. */
  private async finalize(obj: FunctionObject): Promise<void> {
    const { name } = obj.metadata;
    if (!obj.metadata.finalizers?.includes(FUNCTION_FINALIZER)) return;
    try {
      await this.forget(name);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return void (await this.fail(obj, { reason: "CleanupFailed", message }));
    }
    await this.update(obj, removeFinalizer);
  }

  /** Unregisters a function this operator registered (its resource is gone or going). */
  private async forget(name: string): Promise<void> {
    if (!this.owned.has(name)) return;
    if (this.o.functions.get(name)) await this.o.functions.remove(name);
    this.owned.delete(name);
  }

  private ensureFinalizer(obj: FunctionObject): Promise<FunctionObject> {
    return this.update(obj, addFinalizer);
  }

  /** Writes the status the observation gives, unless it is already there; true when it wrote. */
  private async writeStatus(obj: FunctionObject, observation: Observation): Promise<boolean> {
    let wrote = false;
    await this.update(
      obj,
      (o) => {
        const status = statusOf(observation, o.status, this.now);
        if (sameStatus(o.status, status)) return undefined;
        wrote = true;
        return { ...o, status: status as unknown as Record<string, unknown> };
      },
      true,
    );
    return wrote;
  }

  private update(
    obj: FunctionObject,
    change: (o: FunctionObject) => FunctionObject | undefined,
    viaStatus = false,
  ): Promise<FunctionObject> {
    return optimisticUpdate(this.o.resources, obj, change, viaStatus);
  }
}
