/**
 * @module
 * Every Kubernetes permission the control plane's code uses, and nothing more. The kustomize Role
 * (manifests/chart/templates/role.yaml, rendered into manifests/base/role.yaml) must grant exactly these — a test renders the manifests and compares —
 * and the integration tests run the fake API server with these rules enforced, so a new API call
 * without a matching rule fails a test instead of a production cluster.
 *
 * - deployments: create/patch (create-or-patch on register), delete, list+watch (readiness).
 * - deployments/scale: patch (PUT /replicas and the autoscaler).
 * - services: create/patch/delete; horizontalpodautoscalers: create/patch/delete (strategy HPA;
 *   delete also runs for other strategies, to remove an HPA left from an earlier registration).
 * - jobs: create (REMOTE mode; finished Jobs are removed by `ttlSecondsAfterFinished`).
 * No `get` and no `update` on workloads: create-or-patch answers 409 → patch, never read-modify-write.
 * - The Function operator (NANOFAAS_CRD_MODE, src/operator): functions.nanofaas.io list+watch, get
 *   (a fresh read after a 409), update (finalizers; optimistic, resourceVersion-guarded), create and
 *   delete (mirror mode), functions/status update, and core Events create; the Workflow operator:
 *   workflows.nanofaas.io list+watch, get, update (finalizer) and workflows/status update.
 * - Leader election (src/ha/lease-elector.ts, issue 20): leases get, create, update (a
 *   resourceVersion-guarded replace is what makes two replicas unable to both win).
 * - Function logs (GET /v1/functions/{name}/logs, pod-logs.ts): pods list (a function's replicas),
 *   pods/log get (read and follow each one's output).
 */
export interface RbacRule {
  apiGroup: string;
  resource: string;
  verbs: readonly string[];
}

export const REQUIRED_RBAC: readonly RbacRule[] = [
  { apiGroup: "apps", resource: "deployments", verbs: ["create", "delete", "list", "patch", "watch"] },
  { apiGroup: "apps", resource: "deployments/scale", verbs: ["patch"] },
  { apiGroup: "", resource: "services", verbs: ["create", "delete", "patch"] },
  { apiGroup: "autoscaling", resource: "horizontalpodautoscalers", verbs: ["create", "delete", "patch"] },
  { apiGroup: "batch", resource: "jobs", verbs: ["create"] },
  { apiGroup: "nanofaas.io", resource: "functions", verbs: ["create", "delete", "get", "list", "update", "watch"] },
  { apiGroup: "nanofaas.io", resource: "functions/status", verbs: ["update"] },
  // The Workflow operator: list+watch, a fresh get after a 409, update for the finalizer, status.
  { apiGroup: "nanofaas.io", resource: "workflows", verbs: ["get", "list", "update", "watch"] },
  { apiGroup: "nanofaas.io", resource: "workflows/status", verbs: ["update"] },
  { apiGroup: "", resource: "events", verbs: ["create"] },
  { apiGroup: "coordination.k8s.io", resource: "leases", verbs: ["create", "get", "update"] },
  { apiGroup: "", resource: "pods", verbs: ["list"] },
  { apiGroup: "", resource: "pods/log", verbs: ["get"] },
];
