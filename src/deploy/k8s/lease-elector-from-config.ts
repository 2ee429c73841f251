/**
 * @module
 * The Lease elector of a control plane in a cluster (src/ha/create-elector.ts loads this lazily):
 * the in-cluster credentials, and the Lease beside the control plane (POD_NAMESPACE), where its
 * Role grants `leases` (rbac.ts).
 */
import { CoordinationV1Api } from "@kubernetes/client-node";
import { type Config, resolveNamespace } from "../../config/config";
import { loadKubeConfig } from "./from-config";
import { LeaseElector, type LeaseElectorOptions } from "./lease-elector";
import { KubeTransport } from "./transport";

export function leaseElectorFromConfig(
  config: Config,
  options: Omit<LeaseElectorOptions, "api" | "namespace" | "name">,
): LeaseElector {
  return new LeaseElector({
    ...options,
    api: new KubeTransport(loadKubeConfig(config)).api(CoordinationV1Api),
    namespace: config.podNamespace ?? resolveNamespace(config),
    name: config.leaseName,
  });
}
