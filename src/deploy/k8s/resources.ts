/**
 * @module
 * The handful of API calls the backend makes, each mapped to our error vocabulary. Writes are
 * create-or-patch: create, and on 409 AlreadyExists send the whole desired object as a JSON merge
 * patch (reference §6.3) — race-free, and it needs no `get` permission. Deletes treat 404 as done.
 */
import {
  AppsV1Api,
  AutoscalingV2Api,
  BatchV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Deployment,
  type V1Job,
  type V1Service,
  type V2HorizontalPodAutoscaler,
} from "@kubernetes/client-node";
import { type K8sOperation, statusCode, toBackendError } from "./errors";
import type { KubeTransport } from "./transport";

export type WorkloadKind = "Deployment" | "Service" | "HorizontalPodAutoscaler";

/** The client sends JSON Patch by default; our bodies are whole objects, i.e. merge patches. */
const MERGE_PATCH = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

interface KindOps {
  resource: string;
  create(body: object): Promise<unknown>;
  patch(name: string, body: object): Promise<unknown>;
  remove(name: string): Promise<unknown>;
}

export class KubeResources {
  private readonly apps: AppsV1Api;
  private readonly batch: BatchV1Api;
  private readonly kinds: Record<WorkloadKind, KindOps>;

  constructor(
    transport: KubeTransport,
    readonly namespace: string,
  ) {
    this.apps = transport.api(AppsV1Api);
    this.batch = transport.api(BatchV1Api);
    const core = transport.api(CoreV1Api);
    const hpa = transport.api(AutoscalingV2Api);
    const { apps } = this;
    // Background propagation: the ReplicaSets and pods go too, without waiting for them.
    const background = { namespace, propagationPolicy: "Background" };
    this.kinds = {
      Deployment: {
        resource: "deployments.apps",
        create: (body) => apps.createNamespacedDeployment({ namespace, body: body as V1Deployment }),
        patch: (name, body) => apps.patchNamespacedDeployment({ name, namespace, body }, MERGE_PATCH),
        remove: (name) => apps.deleteNamespacedDeployment({ name, ...background }),
      },
      Service: {
        resource: "services",
        create: (body) => core.createNamespacedService({ namespace, body: body as V1Service }),
        patch: (name, body) => core.patchNamespacedService({ name, namespace, body }, MERGE_PATCH),
        remove: (name) => core.deleteNamespacedService({ name, ...background }),
      },
      HorizontalPodAutoscaler: {
        resource: "horizontalpodautoscalers.autoscaling",
        create: (body) =>
          hpa.createNamespacedHorizontalPodAutoscaler({ namespace, body: body as V2HorizontalPodAutoscaler }),
        patch: (name, body) => hpa.patchNamespacedHorizontalPodAutoscaler({ name, namespace, body }, MERGE_PATCH),
        remove: (name) => hpa.deleteNamespacedHorizontalPodAutoscaler({ name, ...background }),
      },
    };
  }

  private op(verb: string, kind: string, resource: string, name?: string): K8sOperation {
    return { verb, kind, resource, name, namespace: this.namespace };
  }

  /** Creates `body`, or merge-patches the existing object of that name. */
  async apply(kind: WorkloadKind, body: { metadata: { name: string } }): Promise<"created" | "patched"> {
    const ops = this.kinds[kind];
    const name = body.metadata.name;
    try {
      await ops.create(body);
      return "created";
    } catch (error) {
      if (statusCode(error) !== 409) throw toBackendError(error, this.op("create", kind, ops.resource, name));
    }
    try {
      await ops.patch(name, body);
      return "patched";
    } catch (error) {
      throw toBackendError(error, this.op("patch", kind, ops.resource, name));
    }
  }

  /** Deletes `name`; an object that is already gone is not an error. */
  async deleteIfPresent(kind: WorkloadKind, name: string): Promise<void> {
    const ops = this.kinds[kind];
    try {
      await ops.remove(name);
    } catch (error) {
      if (statusCode(error) !== 404) throw toBackendError(error, this.op("delete", kind, ops.resource, name));
    }
  }

  /** Sets `spec.replicas` through the scale subresource (what `kubectl scale` and HPAs use). */
  async scaleDeployment(name: string, replicas: number): Promise<void> {
    try {
      await this.apps.patchNamespacedDeploymentScale(
        { name, namespace: this.namespace, body: { spec: { replicas } } },
        MERGE_PATCH,
      );
    } catch (error) {
      throw toBackendError(error, this.op("patch", "Deployment", "deployments.apps/scale", name));
    }
  }

  /** Creates a Job; 409 means this very attempt was launched already, which is fine. */
  async createJob(body: { metadata: { name: string } }): Promise<void> {
    try {
      await this.batch.createNamespacedJob({ namespace: this.namespace, body: body as V1Job });
    } catch (error) {
      if (statusCode(error) !== 409)
        throw toBackendError(error, this.op("create", "Job", "jobs.batch", body.metadata.name));
    }
  }
}
