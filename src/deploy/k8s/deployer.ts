/**
 * @module
 * The `k8s` deployment backend (SPEC §1.11, reference control-plane.md §6): DEPLOYMENT functions
 * become a Deployment + ClusterIP Service `fn-<name>` (+ an HPA for `strategy: HPA`), replicas
 * change through the scale subresource, readiness comes from one Deployment watch, and REMOTE
 * attempts become Jobs. The only module with Kubernetes I/O; objects come from pure builders.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { NanofaasError } from "../../domain/errors";
import { deploymentScaling } from "../../domain/function-scaling";
import type { ResolvedFunction } from "../../domain/resolved-function";
import type { Deployer, JobLauncher } from "../deployer";
import { buildHpa } from "./hpa";
import { buildJob, DEFAULT_JOB_TTL_SECONDS, MAX_JOB_PAYLOAD_BYTES } from "./job";
import { objectName, serviceUrl } from "./labels";
import { DeploymentReadiness, type Log } from "./readiness";
import { PodLogs } from "./pod-logs";
import { KubeResources } from "./resources";
import { KubeTransport } from "./transport";
import { buildDeployment, buildService, type ImagePullPolicy } from "./workload";

export interface KubernetesDeployerOptions {
  kubeConfig: KubeConfig;
  /** Where function objects live (`resolveNamespace(config)`). */
  namespace: string;
  imagePullPolicy?: ImagePullPolicy;
  /** Base callback URL for pods (`CALLBACK_URL`). */
  callbackUrl?: string;
  /**
   * Maps a function's Service URL to the URL the dispatcher dials. Identity in a cluster; tests
   * map `fn-<name>.<ns>.svc.cluster.local:8080` to a local fake pod.
   */
  resolveEndpoint?: (serviceUrl: string, name: string) => string;
  /** `Config.jobStartupAllowanceMs`: Jobs get `timeoutMs` + this as activeDeadlineSeconds. */
  jobStartupAllowanceMs: number;
  jobTtlSecondsAfterFinished?: number;
  watchTimeoutSeconds?: number;
  /** Lines read from each pod's log for GET …/logs (NANOFAAS_LOGS_BUFFER_LINES). Default 1000. */
  logLinesPerPod?: number;
  /** How often a followed log looks for new pods. Default 2000 ms. */
  podRelistMs?: number;
  log?: Log;
}

export interface KubernetesDeployer extends Deployer, JobLauncher {
  readonly namespace: string;
  /** spec.replicas of `fn-<name>` as last seen by the watch (the autoscaler's ReplicaControl uses it). */
  requestedReplicas(name: string): number | undefined;
  /** Resolves once the first list of function Deployments has been read (readiness is known). */
  readonly synced: Promise<void>;
}

const defaultLog: Log = (event, fields = {}) => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: "warn", event, ...fields })}\n`);
};

export function createKubernetesDeployer(options: KubernetesDeployerOptions): KubernetesDeployer {
  const { namespace } = options;
  const imagePullPolicy = options.imagePullPolicy ?? "Always";
  const resolve = options.resolveEndpoint ?? ((url: string) => url);
  const transport = new KubeTransport(options.kubeConfig);
  const resources = new KubeResources(transport, namespace);
  const listeners = new Set<(name: string, ready: number) => void>();
  const readiness = new DeploymentReadiness({
    transport,
    namespace,
    log: options.log ?? defaultLog,
    watchTimeoutSeconds: options.watchTimeoutSeconds,
    onChange: (name, ready) => {
      for (const listener of listeners) listener(name, ready);
    },
  });
  readiness.start();
  const logs = new PodLogs({
    transport,
    namespace,
    maxLines: options.logLinesPerPod ?? 1000,
    relistMs: options.podRelistMs,
    log: options.log ?? defaultLog,
  });
  // The dialled URL per function, computed once (pickEndpoint is on the dispatch path).
  const endpoints = new Map<string, string>();
  const endpointOf = (name: string) => {
    let url = endpoints.get(name);
    if (url === undefined) {
      url = resolve(serviceUrl(name, namespace), name);
      endpoints.set(name, url);
    }
    return url;
  };
  const jobOptions = {
    namespace,
    imagePullPolicy,
    startupAllowanceMs: options.jobStartupAllowanceMs,
    ttlSecondsAfterFinished: options.jobTtlSecondsAfterFinished ?? DEFAULT_JOB_TTL_SECONDS,
  };

  return {
    id: "k8s",
    namespace,
    synced: readiness.synced,
    logs,

    unsupportedReason(fn: ResolvedFunction) {
      if (!fn.image)
        return { field: "image", reason: `Function '${fn.name}' has no image: the k8s backend runs container images` };
      return undefined;
    },

    async provision(fn) {
      await resources.apply(
        "Deployment",
        buildDeployment(fn, { namespace, imagePullPolicy, callbackUrl: options.callbackUrl }),
      );
      await resources.apply("Service", buildService(fn, namespace));
      if (deploymentScaling(fn)?.strategy === "HPA")
        await resources.apply("HorizontalPodAutoscaler", buildHpa(fn, namespace));
      // Another strategy now: an HPA from an earlier registration would fight us, so it goes.
      else await resources.deleteIfPresent("HorizontalPodAutoscaler", objectName(fn.name));
      endpoints.delete(fn.name);
      return { endpointUrl: serviceUrl(fn.name, namespace) };
    },

    async deprovision(name) {
      const object = objectName(name);
      await resources.deleteIfPresent("HorizontalPodAutoscaler", object);
      await resources.deleteIfPresent("Service", object);
      await resources.deleteIfPresent("Deployment", object);
      endpoints.delete(name);
      readiness.forget(name);
    },

    setReplicas: (name, replicas) => resources.scaleDeployment(objectName(name), replicas),
    readyReplicas: (name) => readiness.get(name),
    requestedReplicas: (name) => readiness.requestedReplicas(name),
    desiredReplicas: (name) => readiness.requestedReplicas(name),
    pickEndpoint: (name) => (readiness.get(name) > 0 ? endpointOf(name) : undefined),

    onReadyChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },

    async launch(job) {
      const bytes = Buffer.byteLength(job.payload);
      if (bytes > MAX_JOB_PAYLOAD_BYTES) {
        throw new NanofaasError(
          "PAYLOAD_TOO_LARGE",
          `REMOTE payload of ${bytes} bytes exceeds the ${MAX_JOB_PAYLOAD_BYTES} bytes a Job can carry in INVOCATION_PAYLOAD`,
        );
      }
      await resources.createJob(buildJob(job, jobOptions));
    },

    async close() {
      listeners.clear();
      await readiness.stop();
    },
  };
}
