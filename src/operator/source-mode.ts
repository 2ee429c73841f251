/**
 * @module
 * NANOFAAS_CRD_MODE=source: Function resources are the truth, so the REST API may read functions
 * and scale them, but not register, replace, roll back or delete them — those requests get 403
 * FORBIDDEN with a pointer to kubectl. The API routes are given this view of the registry; the
 * operator, start-up recovery and NANOFAAS_FUNCTIONS_DIR keep the real one. Workflow definitions
 * likewise: Workflow resources define them, the API only reads them and runs them.
 */
import { NanofaasError } from "../domain/errors";
import type { FunctionService } from "../registry/function-service";
import type { WorkflowService } from "../workflows/workflow-service";

export const SOURCE_MODE_DETAILS = [
  "NANOFAAS_CRD_MODE=source",
  "kubectl apply -f function.yaml",
  "kubectl delete function NAME",
];

const refused = (action: string, name: string) =>
  new NanofaasError(
    "FORBIDDEN",
    `Functions are managed as Kubernetes resources here (NANOFAAS_CRD_MODE=source): ${action} '${name}' with kubectl (kind Function, apiVersion nanofaas.io/v1), not through the API`,
    { details: SOURCE_MODE_DETAILS },
  );

/**
 * Every method of FunctionService is classified here, so a method added to the interface later does
 * not compile until someone decides whether the API may call it in source mode (an unclassified
 * write would otherwise slip past this view, as PUT and rollback once did).
 */
const ACCESS: Record<keyof FunctionService, "allowed" | "refused"> = {
  register: "refused",
  update: "refused",
  rollback: "refused",
  setTraffic: "refused",
  promote: "refused",
  remove: "refused",
  get: "allowed",
  require: "allowed",
  list: "allowed",
  versions: "allowed",
  version: "allowed",
  // Scaling is operational, like `kubectl scale`; the resource's scalingConfig still bounds it.
  setReplicas: "allowed",
  addListener: "allowed",
};

export const refusedInSourceMode = (Object.keys(ACCESS) as (keyof FunctionService)[]).filter(
  (method) => ACCESS[method] === "refused",
);

export function apiViewForSourceMode(functions: FunctionService): FunctionService {
  return {
    ...functions,
    register: async (spec, origin = "api", options) => {
      if (origin === "api") throw refused("apply", spec.name);
      return functions.register(spec, origin, options);
    },
    update: async (spec) => {
      throw refused("apply", spec.name);
    },
    rollback: async (name) => {
      throw refused("change the version of", name);
    },
    setTraffic: async (name) => {
      throw refused("change the version of", name);
    },
    promote: async (name) => {
      throw refused("change the version of", name);
    },
    remove: async (name) => {
      throw refused("delete", name);
    },
  };
}

export const WORKFLOW_SOURCE_MODE_DETAILS = [
  "NANOFAAS_CRD_MODE=source",
  "kubectl apply -f workflow.yaml",
  "kubectl delete workflow NAME",
];

/** As ACCESS, for the workflow service: definitions come from Workflow resources; runs are the API's. */
const WORKFLOW_ACCESS: Record<keyof WorkflowService, "allowed" | "refused"> = {
  create: "refused",
  replace: "refused",
  delete: "refused",
  get: "allowed",
  list: "allowed",
  run: "allowed",
  invoke: "allowed",
  getRun: "allowed",
  listRuns: "allowed",
  cancelRun: "allowed",
  resume: "allowed",
  activeRuns: "allowed",
};

const refusedWorkflowMethods = new Set(
  (Object.keys(WORKFLOW_ACCESS) as (keyof WorkflowService)[]).filter((m) => WORKFLOW_ACCESS[m] === "refused"),
);

/** The workflow routes' view in source mode: definitions are read-only, runs work as usual. */
export function workflowsViewForSourceMode(workflows: WorkflowService): WorkflowService {
  return new Proxy(workflows, {
    get(target, property) {
      if (refusedWorkflowMethods.has(property as keyof WorkflowService))
        return async (nameOrDef: string | { name: string }) => {
          const name = typeof nameOrDef === "string" ? nameOrDef : nameOrDef.name;
          throw new NanofaasError(
            "FORBIDDEN",
            `Workflows are managed as Kubernetes resources here (NANOFAAS_CRD_MODE=source): change '${name}' with kubectl (kind Workflow, apiVersion nanofaas.io/v1), not through the API`,
            { details: WORKFLOW_SOURCE_MODE_DETAILS },
          );
        };
      const value = Reflect.get(target, property, target);
      // Bound to the real service, so its private state is its own, never the proxy's.
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
