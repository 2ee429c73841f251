/**
 * @module
 * Where pods report results (SPEC §1.12). Kept apart from the Kubernetes client so main.ts can
 * compute it (for the job dispatcher) without loading `@kubernetes/client-node`.
 */
import { type Config, resolveNamespace } from "../../config/config";

/** Port of the control plane's Service (manifests/base/service.yaml), not necessarily SERVER_PORT. */
const CONTROL_PLANE_SERVICE_PORT = 8080;

/**
 * NANOFAAS_CALLBACK_URL when set, else this control plane's own Service in its own namespace
 * (POD_NAMESPACE) — not the reference's hard-coded `default` namespace.
 */
export function kubernetesCallbackUrl(config: Config): string {
  if (config.callbackUrl) return config.callbackUrl;
  const namespace = config.podNamespace || resolveNamespace(config);
  return `http://${config.k8sServiceName}.${namespace}.svc.cluster.local:${CONTROL_PLANE_SERVICE_PORT}/v1/internal/executions`;
}
