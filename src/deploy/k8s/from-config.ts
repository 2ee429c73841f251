/**
 * @module
 * Builds the k8s backend from the control plane's Config: in a cluster (KUBERNETES_SERVICE_HOST
 * set) the mounted service-account token and CA, otherwise the usual kubeconfig lookup
 * (KUBECONFIG, ~/.kube/config). create-deployer.ts imports this lazily for `case "k8s"`.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { type Config, resolveNamespace } from "../../config/config";
import { kubernetesCallbackUrl } from "./callback-url";
import { createKubernetesDeployer, type KubernetesDeployer, type KubernetesDeployerOptions } from "./deployer";

export { kubernetesCallbackUrl };

export function loadKubeConfig(config: Config): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (config.kubernetesServiceHost) kubeConfig.loadFromCluster();
  else kubeConfig.loadFromDefault();
  return kubeConfig;
}

export function createKubernetesDeployerFromConfig(
  config: Config,
  overrides: Partial<KubernetesDeployerOptions> = {},
): KubernetesDeployer {
  return createKubernetesDeployer({
    namespace: resolveNamespace(config),
    imagePullPolicy: config.k8sImagePullPolicy,
    callbackUrl: kubernetesCallbackUrl(config),
    jobStartupAllowanceMs: config.jobStartupAllowanceMs,
    logLinesPerPod: config.logsBufferLines,
    ...overrides,
    kubeConfig: overrides.kubeConfig ?? loadKubeConfig(config),
  });
}
