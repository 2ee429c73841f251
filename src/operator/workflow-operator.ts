/**
 * @module
 * The Workflow operator (NANOFAAS_CRD_MODE source|mirror): the leader reconciles
 * `workflows.nanofaas.io` resources into the workflow service. A resource is the truth for the
 * workflow of its name: its spec is checked with the API's own zod schema and graph rules, a new
 * one is created, a changed one replaces the definition (a new version; runs already started keep
 * theirs), and deleting the resource deletes the workflow (the cleanup finalizer makes that happen
 * even when the control plane was down at the time). The status subresource reports Ready and
 * Degraded with observedGeneration and the workflow version. A spec that fails — a step naming a
 * function that does not exist yet, typically while Function resources are still being
 * reconciled — is retried when a function is registered and at every resync.
 */
import type { CustomObject, CustomResources, WatchEvent } from "../deploy/k8s/function-resources";
import { NanofaasError } from "../domain/errors";
import { stableJson } from "../lib/stable-json";
import type { WorkflowDefinition } from "../workflows/definition";
import type { WorkflowService, WorkflowView } from "../workflows/workflow-service";
import { WorkflowRequest } from "../workflows/workflow-spec";
import { addFinalizer, optimisticUpdate, PerName, removeFinalizer } from "./resource-writes";

export interface WorkflowOperatorOptions {
  resources: CustomResources;
  workflows: WorkflowService;
  /** Only the leader reconciles; always when omitted. */
  isLeader?: () => boolean;
  /** Where a workflow is run, for `status.url`. */
  runUrl: (name: string) => string;
  log: (event: string, fields?: Record<string, unknown>) => void;
  now?: () => Date;
}

type Failure = { reason: string; message: string };

export class WorkflowOperator {
  /** Names whose last reconcile failed: retried when a function appears. */
  private readonly failing = new Set<string>();
  private readonly queue = new PerName((name, error) =>
    this.o.log("operator_reconcile_failed", { workflow: name, error: String(error) }),
  );
  private readonly isLeader: () => boolean;
  private readonly now: () => Date;

  constructor(private readonly o: WorkflowOperatorOptions) {
    this.isLeader = o.isLeader ?? (() => true);
    this.now = o.now ?? (() => new Date());
  }

  /** Starts the watch; resolves after the first list has been reconciled. */
  async start(): Promise<void> {
    this.o.resources.start((type: WatchEvent, obj) => void this.reconcile(obj.metadata.name, type === "DELETED"));
    await this.o.resources.synced;
    await this.resync();
  }

  async resync(): Promise<void> {
    await Promise.all(this.o.resources.cachedAll().map((obj) => this.reconcile(obj.metadata.name)));
  }

  /** Reconciles the resources that failed last time (a function they need may exist now). */
  async retryFailed(): Promise<void> {
    await Promise.all([...this.failing].map((name) => this.reconcile(name)));
  }

  async stop(): Promise<void> {
    await this.o.resources.close();
    await this.queue.idle();
  }

  reconcile(name: string, gone = false): Promise<void> {
    if (!this.isLeader()) return Promise.resolve();
    return this.queue.run(name, () => this.reconcileOnce(name, gone));
  }

  private async reconcileOnce(name: string, gone: boolean): Promise<void> {
    const obj = this.o.resources.cached(name);
    if (!obj || gone) {
      // Normally the finalizer already deleted it; this covers a finalizer removed by hand.
      this.failing.delete(name);
      return this.deleteWorkflow(name);
    }
    if (obj.metadata.deletionTimestamp) return this.finalize(obj);
    const current = await optimisticUpdate(this.o.resources, obj, addFinalizer);
    const parsed = WorkflowRequest.safeParse({ ...current.spec, name });
    if (!parsed.success) {
      const message = parsed.error.issues.map((i) => `spec.${i.path.join(".")}: ${i.message}`).join("; ");
      return this.fail(current, { reason: "InvalidSpec", message });
    }
    try {
      const view = await this.apply(current, parsed.data as WorkflowDefinition);
      this.failing.delete(name);
      await this.writeStatus(current, { ready: true, version: view.version });
    } catch (error) {
      const invalid = error instanceof NanofaasError && error.code === "VALIDATION_ERROR";
      const message =
        error instanceof NanofaasError && error.details?.length
          ? `${error.message}: ${error.details.join("; ")}`
          : error instanceof Error
            ? error.message
            : String(error);
      await this.fail(current, { reason: invalid ? "InvalidSpec" : "ApplyFailed", message });
    }
  }

  /** Creates the workflow, or replaces it when its definition differs from the resource's. */
  private async apply(obj: CustomObject, desired: WorkflowDefinition): Promise<WorkflowView> {
    const { name } = obj.metadata;
    const existing = await this.o.workflows.get(name).catch((error) => {
      if (error instanceof NanofaasError && error.code === "NOT_FOUND") return undefined;
      throw error;
    });
    if (!existing) {
      const created = await this.o.workflows.create(desired);
      await this.o.resources.recordEvent(obj, "Normal", "Defined", `version ${created.version} created`);
      return created;
    }
    const { version: _v, createdAt: _c, updatedAt: _u, ...definition } = existing;
    if (stableJson(definition) === stableJson(desired)) return existing;
    const replaced = await this.o.workflows.replace(name, desired);
    await this.o.resources.recordEvent(obj, "Normal", "Defined", `version ${replaced.version} replaces the previous`);
    return replaced;
  }

  private async deleteWorkflow(name: string): Promise<void> {
    await this.o.workflows.delete(name).catch((error) => {
      if (!(error instanceof NanofaasError && error.code === "NOT_FOUND")) throw error;
    });
  }

  private async finalize(obj: CustomObject): Promise<void> {
    if (!obj.metadata.finalizers?.length) return;
    this.failing.delete(obj.metadata.name);
    try {
      await this.deleteWorkflow(obj.metadata.name);
    } catch (error) {
      return this.fail(obj, {
        reason: "CleanupFailed",
        message: error instanceof Error ? error.message : String(error),
      });
    }
    await optimisticUpdate(this.o.resources, obj, removeFinalizer);
  }

  private async fail(obj: CustomObject, failure: Failure): Promise<void> {
    this.failing.add(obj.metadata.name);
    this.o.log("operator_workflow_failed", { workflow: obj.metadata.name, ...failure });
    const running = await this.o.workflows.get(obj.metadata.name).catch(() => undefined);
    const changed = await this.writeStatus(obj, { ready: false, failure, version: running?.version });
    // One Event per new failure, not one per resync.
    if (changed) await this.o.resources.recordEvent(obj, "Warning", failure.reason, failure.message);
  }

  /** Writes the status unless it is already there; true when it wrote. */
  private async writeStatus(
    obj: CustomObject,
    seen: { ready: boolean; version?: number; failure?: Failure },
  ): Promise<boolean> {
    let wrote = false;
    await optimisticUpdate(
      this.o.resources,
      obj,
      (o) => {
        const status = workflowStatus(o, seen, this.o.runUrl(o.metadata.name), this.now);
        if (stableJson(o.status ?? {}) === stableJson(status)) return undefined;
        wrote = true;
        return { ...o, status };
      },
      true,
    );
    return wrote;
  }
}

/**
 * A Workflow's status (pure): Ready says whether this generation's spec is the workflow now;
 * Degraded says an earlier version still serves because this one failed. `lastTransitionTime`
 * moves only when a condition's status changes, so the same status twice is a no-op.
 */
export function workflowStatus(
  obj: CustomObject,
  seen: { ready: boolean; version?: number; failure?: Failure },
  url: string,
  now: () => Date,
): Record<string, unknown> {
  const previous = (obj.status?.conditions ?? []) as { type: string; status: string; lastTransitionTime: string }[];
  const condition = (type: string, ok: boolean, reason: string, message: string) => {
    const status = ok ? "True" : "False";
    const before = previous.find((c) => c.type === type);
    const lastTransitionTime =
      before?.status === status
        ? before.lastTransitionTime
        : now()
            .toISOString()
            .replace(/\.\d+Z$/, "Z");
    return { type, status, reason, message, lastTransitionTime };
  };
  const { failure } = seen;
  const stale = !seen.ready && seen.version !== undefined;
  return {
    conditions: [
      condition("Ready", seen.ready, failure?.reason ?? "Defined", failure?.message ?? "the spec is the workflow"),
      condition(
        "Degraded",
        stale,
        stale ? "EarlierVersionServes" : "AsExpected",
        stale ? `version ${seen.version} still serves` : "",
      ),
    ],
    observedGeneration: obj.metadata.generation ?? 1,
    ...(seen.version !== undefined ? { version: seen.version } : {}),
    url,
  };
}
