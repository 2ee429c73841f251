/**
 * @module
 * The port every deployment backend implements (SPEC §1.11): `k8s`, `docker` and `process`. The
 * registry provisions DEPLOYMENT functions through it, the autoscaler scales through it and the
 * dispatcher asks it where to send an invocation. Backends never see HTTP requests.
 */
import type { ResolvedFunction } from "../domain/resolved-function";
import type { FunctionLogSource } from "../logs/log-source";

/** A spec this backend cannot run: the field to fix and why (a 400 for the client). */
export interface Unsupported {
  field: string;
  reason: string;
}

/**
 * Where a registration came from: an operator's file, a request to the API, or a Function custom
 * resource (the operator, NANOFAAS_CRD_MODE; trusted like the API, and not stored: the resource is
 * the durable copy).
 */
export type RegistrationOrigin = "declared" | "api" | "resource";

export interface ProvisionResult {
  /** The URL reported as the function's `endpointUrl` (a Service URL, or the first replica's). */
  endpointUrl: string;
}

export interface Deployer {
  /** Backend id reported as `deploymentBackend`: "k8s" | "docker" | "process". */
  readonly id: string;
  /** Why this backend cannot take `fn` (e.g. missing image) and the field at fault, or undefined when it can. */
  unsupportedReason?(fn: ResolvedFunction): Unsupported | undefined;
  /**
   * Throws a NanofaasError (403 FORBIDDEN) when this backend may not run `fn` by the operator's
   * policy. Asked before `unsupportedReason`, which may look at the file system. `origin` is
   * "declared" for specs an operator wrote (NANOFAAS_FUNCTIONS_DIR), "api" otherwise.
   */
  admit?(fn: ResolvedFunction, origin: RegistrationOrigin): void;
  /** Creates or updates the workload with `minReplicas` replicas. Does not wait for readiness. */
  provision(fn: ResolvedFunction): Promise<ProvisionResult>;
  /** Removes everything the backend created for `name`; absent objects are not an error. */
  deprovision(name: string): Promise<void>;
  /** Sets the desired replica count. */
  setReplicas(name: string, replicas: number): Promise<void>;
  /** Replicas currently ready to take invocations. */
  readyReplicas(name: string): number;
  /**
   * Replicas the backend is running or starting for `name` (k8s: the Deployment's spec.replicas),
   * for status reports (`status.desired` of a function); undefined when it does not know.
   */
  desiredReplicas?(name: string): number | undefined;
  /**
   * Why `name`'s replicas fail to start or stay up (the last replica error: "handler failed to
   * load: …", "ImagePullBackOff"), while none has recovered; undefined when all is well or unknown.
   */
  replicaError?(name: string): string | undefined;
  /**
   * The endpoint for the next invocation, or undefined while no replica is ready (the scheduler
   * keeps the work queued until `onReadyChange` fires — scale from zero).
   */
  pickEndpoint(name: string): string | undefined;
  /** Subscribes to ready-replica changes; returns an unsubscribe function. */
  onReadyChange(listener: (name: string, ready: number) => void): () => void;
  /**
   * Subscribes to "a replica of `name` failed to start or stay up, and none is ready" (`error` is
   * its `replicaError`): the engine then fails the sync calls waiting for one. Returns an
   * unsubscribe function; absent, the backend does not report failures as they happen.
   */
  onReplicaFailure?(listener: (name: string, error: string) => void): () => void;
  /**
   * Resolves once the backend's view of replicas is complete (k8s: the first list of Deployments).
   * The control plane reports ready only after it; absent means "at once".
   */
  readonly synced?: Promise<void>;
  /** The functions' output lines (GET /v1/functions/{name}/logs); absent, the backend collects none. */
  readonly logs?: FunctionLogSource;
  /** Stops watches and, for local backends, every replica process/container. */
  close(): Promise<void>;
}

/** Runs one invocation as a one-shot job (REMOTE mode, SPEC §1.10); the result arrives by callback. */
export interface JobLauncher {
  launch(job: JobRequest): Promise<void>;
}

export interface JobRequest {
  fn: ResolvedFunction;
  executionId: string;
  attempt: number;
  payload: string;
  traceId?: string;
  callbackUrl: string;
  /** This attempt's callback token (src/auth/callback-token.ts): the pod's CALLBACK_TOKEN. */
  callbackToken?: string;
}
