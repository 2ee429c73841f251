/**
 * @module
 * NANOFAAS_CRD_MODE=source: Function resources are the truth, so the REST API may read functions
 * and scale them, but not register, replace, roll back or delete them — those requests get 403
 * FORBIDDEN with a pointer to kubectl. The API routes are given this view of the registry; the
 * operator, start-up recovery and NANOFAAS_FUNCTIONS_DIR keep the real one.
 */
import { NanofaasError } from "../domain/errors";
import type { FunctionService } from "../registry/function-service";

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
