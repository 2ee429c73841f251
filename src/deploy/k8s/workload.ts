/**
 * @module
 * Pure builders for a DEPLOYMENT function's Deployment and Service `fn-<name>` (reference
 * control-plane.md §6.2), pinned by snapshot tests. Only the k8s deployer sends them anywhere.
 */

import { initialReplicas } from "../../domain/function-scaling";
import type { ResolvedFunction } from "../../domain/resolved-function";
import { containerResources, deploymentEnv, pullSecrets } from "./env";
import {
  FUNCTION_NAME_ANNOTATION,
  FUNCTION_PORT,
  functionLabels,
  objectName,
  PROMETHEUS_ANNOTATIONS,
  selectorLabels,
} from "./labels";
import { containerSecurityContext, podSecurityContext, TMP_MOUNT, TMP_VOLUME } from "./security";

export type ImagePullPolicy = "Always" | "IfNotPresent" | "Never";

export interface WorkloadOptions {
  namespace: string;
  imagePullPolicy: ImagePullPolicy;
  /** Base callback URL handed to warm pods as `CALLBACK_URL` (async completion by callback). */
  callbackUrl?: string;
}

/** The name of a function pod's container (pods/log asks for it by name: a mesh may add sidecars). */
export const FUNCTION_CONTAINER = "function";

/** The single `function` container: the reference's port, probe, env and resources, restricted. */
function functionContainer(fn: ResolvedFunction, options: WorkloadOptions) {
  const resources = containerResources(fn.resources);
  return {
    name: FUNCTION_CONTAINER,
    image: fn.image,
    imagePullPolicy: options.imagePullPolicy,
    ...(fn.command.length > 0 ? { command: fn.command } : {}),
    ports: [{ name: "http", containerPort: FUNCTION_PORT, protocol: "TCP" }],
    env: deploymentEnv(fn, options.callbackUrl),
    // Readiness only, as the reference: a pod stuck in a long invocation must not be restarted
    // by a liveness probe; the watchdog answers /health itself (and 503 while its child restarts).
    readinessProbe: { httpGet: { path: "/health", port: FUNCTION_PORT }, initialDelaySeconds: 2, periodSeconds: 5 },
    ...(resources ? { resources } : {}),
    securityContext: containerSecurityContext(),
    volumeMounts: [TMP_MOUNT],
  };
}

export function buildDeployment(fn: ResolvedFunction, options: WorkloadOptions) {
  const name = objectName(fn.name);
  const secrets = pullSecrets(fn);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name,
      namespace: options.namespace,
      labels: functionLabels(fn.name),
      annotations: { [FUNCTION_NAME_ANNOTATION]: fn.name },
    },
    spec: {
      replicas: initialReplicas(fn),
      selector: { matchLabels: selectorLabels(fn.name) },
      template: {
        metadata: { labels: functionLabels(fn.name), annotations: { ...PROMETHEUS_ANNOTATIONS } },
        spec: {
          // Function code never needs the Kubernetes API: no token in the pod.
          automountServiceAccountToken: false,
          securityContext: podSecurityContext(),
          ...(secrets ? { imagePullSecrets: secrets } : {}),
          restartPolicy: "Always",
          containers: [functionContainer(fn, options)],
          volumes: [TMP_VOLUME],
        },
      },
    },
  };
}

export function buildService(fn: ResolvedFunction, namespace: string) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: objectName(fn.name),
      namespace,
      labels: functionLabels(fn.name),
      annotations: { ...PROMETHEUS_ANNOTATIONS },
    },
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(fn.name),
      ports: [{ name: "http", port: FUNCTION_PORT, targetPort: FUNCTION_PORT, protocol: "TCP" }],
    },
  };
}
