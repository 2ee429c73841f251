/**
 * @module
 * Picks and builds the DEPLOYMENT backend (SPEC §1.11). Backends are imported lazily so that, for
 * instance, the Kubernetes client is only loaded when the k8s backend is in use.
 */
import type { Config, DeploymentBackendId } from "../config/config";
import type { Deployer } from "./deployer";

export async function createDeployer(backend: DeploymentBackendId, config: Config): Promise<Deployer | undefined> {
  switch (backend) {
    case "none":
      return undefined;
    case "process": {
      const { createProcessDeployer } = await import("./process/process-deployer");
      return createProcessDeployer(config);
    }
    case "k8s": {
      const { createKubernetesDeployerFromConfig } = await import("./k8s/from-config");
      return createKubernetesDeployerFromConfig(config);
    }
    case "docker": {
      const { createDockerDeployer } = await import("./docker/docker-deployer");
      return createDockerDeployer(config);
    }
  }
}
