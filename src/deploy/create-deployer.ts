/**
 * @module
 * Picks and builds the DEPLOYMENT backend (SPEC §1.11). Backends are imported lazily so that, for
 * instance, the Kubernetes client is only loaded when the k8s backend is in use.
 */
import type { Config, DeploymentBackendId } from "../config/config";
import type { Logger } from "pino"; // the type only: deploy sits below observability (docs/architecture.md)
import type { Deployer } from "./deployer";

/**
 * Every backend logs through the control plane's one logger (issue 13.10): JSON lines with a
 * `component`, instead of raw stdout/stderr. Replica output lines (`[fn/<name>#<i>] …`) are
 * logged at info with `component: "<backend>-backend"`.
 */
export async function createDeployer(
  backend: DeploymentBackendId,
  config: Config,
  logger?: Logger,
): Promise<Deployer | undefined> {
  const component = logger?.child({ component: `${backend}-backend` });
  const output = component && ((line: string) => component.info(line));
  switch (backend) {
    case "none":
      return undefined;
    case "process": {
      const { createProcessDeployer } = await import("./process/process-deployer");
      return createProcessDeployer(config, { output });
    }
    case "k8s": {
      const { createKubernetesDeployerFromConfig } = await import("./k8s/from-config");
      const log =
        component &&
        ((event: string, fields: Record<string, unknown> = {}) => component.warn({ ...fields, event }, event));
      return createKubernetesDeployerFromConfig(config, log ? { log } : {});
    }
    case "docker": {
      const { createDockerDeployer } = await import("./docker/docker-deployer");
      return createDockerDeployer(config, { output });
    }
  }
}
