/**
 * @module
 * Builds the Function and Workflow operators for main.ts when NANOFAAS_CRD_MODE is source or mirror: the
 * resources client on the same kubeconfig and namespace as the k8s backend, `status.url` from the
 * control plane's own address, and in mirror mode the listener that writes API functions as
 * resources. main.ts owns the resync timer (house style: it alone starts timers).
 */
import { type Config, resolveNamespace } from "../config/config";
import type { Deployer } from "../deploy/deployer";
import { kubernetesCallbackUrl, loadKubeConfig } from "../deploy/k8s/from-config";
import { createCustomResources, createFunctionResources } from "../deploy/k8s/function-resources";
import { KubeTransport } from "../deploy/k8s/transport";
import type { FunctionService } from "../registry/function-service";
import type { WorkflowService } from "../workflows/workflow-service";
import { FunctionMirror } from "./mirror";
import { FunctionOperator } from "./operator";
import { WORKFLOW_KIND, WORKFLOW_PLURAL } from "./workflow-crd";
import { WorkflowOperator } from "./workflow-operator";

export interface RunningOperator {
  resync(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFunctionOperator(
  config: Config,
  parts: { functions: FunctionService; workflows?: WorkflowService; deployer?: Deployer; isLeader?: () => boolean },
  log: (event: string, fields?: Record<string, unknown>) => void,
): Promise<RunningOperator> {
  const namespace = resolveNamespace(config);
  const transport = new KubeTransport(loadKubeConfig(config));
  const resources = createFunctionResources({ transport, namespace, log });
  // The control plane's Service (or NANOFAAS_CALLBACK_URL's origin): where clients in the cluster invoke.
  const base = new URL(kubernetesCallbackUrl(config)).origin;
  const operator = new FunctionOperator({
    resources,
    functions: parts.functions,
    deployer: parts.deployer,
    isLeader: parts.isLeader,
    invokeUrl: (name) => `${base}/v1/functions/${encodeURIComponent(name)}:invoke`,
    log,
  });
  const mirror =
    config.crdMode === "mirror"
      ? new FunctionMirror({
          resources,
          owns: operator.owns,
          list: () => parts.functions.list(),
          isLeader: parts.isLeader,
          log,
        })
      : undefined;
  if (mirror) parts.functions.addListener(mirror);
  const workflows =
    parts.workflows &&
    new WorkflowOperator({
      resources: createCustomResources({ transport, namespace, log, plural: WORKFLOW_PLURAL, kind: WORKFLOW_KIND }),
      workflows: parts.workflows,
      isLeader: parts.isLeader,
      runUrl: (name) => `${base}/v1/workflows/${encodeURIComponent(name)}:run`,
      log,
    });
  // A Workflow whose steps name a function not registered yet is retried as soon as one is.
  if (workflows)
    parts.functions.addListener({ onRegistered: () => void workflows.retryFailed(), onRemoved: () => undefined });
  await operator.start();
  await mirror?.resync();
  await workflows?.start();
  return {
    resync: async () => {
      await operator.resync();
      await mirror?.resync();
      await workflows?.resync();
    },
    stop: async () => {
      await operator.stop();
      await workflows?.stop();
    },
  };
}
