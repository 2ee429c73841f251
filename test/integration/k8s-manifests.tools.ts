/**
 * `kubectl kustomize` renders every overlay, and the rendered objects have the promised shape:
 * RBAC exactly as the code uses it, probes on the management port, restricted security, env the
 * control plane's own config loader accepts, selectors that match the labels the code puts on
 * function pods.
 */
import { describe, expect, test } from "bun:test";
import { parseAllDocuments } from "yaml";
import { loadConfig } from "../../src/config/config";
import { functionLabels } from "../../src/deploy/k8s/labels";
import { REQUIRED_RBAC } from "../../src/deploy/k8s/rbac";

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are free-form YAML.
type Obj = any;

function render(overlay: string): Obj[] {
  const result = Bun.spawnSync(["kubectl", "kustomize", `manifests/${overlay}`], { cwd: `${import.meta.dir}/../..` });
  if (result.exitCode !== 0)
    throw new Error(`kubectl kustomize manifests/${overlay} failed:\n${result.stderr.toString()}`);
  return parseAllDocuments(result.stdout.toString()).map((doc) => doc.toJS());
}

const OVERLAYS = { base: "0.1.0", dev: "latest", prod: "0.1.0" } as const;
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe.each(Object.entries(OVERLAYS))("manifests/%s", (overlay, tag) => {
  const objects = render(overlay);
  const one = (kind: string, name?: string) => {
    const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
    expect(found).toHaveLength(1);
    return found[0];
  };
  const deployment = one("Deployment", "nanofaas-control-plane");
  const pod = deployment.spec.template;
  const container = pod.spec.containers[0];

  test("every object lives in the nanofaas namespace and carries the standard labels", () => {
    expect(objects.map((o) => o.kind).sort()).toEqual([
      "Deployment",
      "Namespace",
      "NetworkPolicy",
      "NetworkPolicy",
      "PodDisruptionBudget",
      "Role",
      "RoleBinding",
      "Service",
      "ServiceAccount",
    ]);
    for (const o of objects) {
      if (o.kind !== "Namespace") expect(o.metadata.namespace).toBe("nanofaas");
      expect(o.metadata.labels).toMatchObject({
        "app.kubernetes.io/part-of": "nanofaas",
        "app.kubernetes.io/managed-by": "kustomize",
      });
      expect(o.metadata.labels["app.kubernetes.io/name"]).toBeString();
    }
    expect(one("Namespace").metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  test("the Role grants exactly the verbs the code uses, bound to the control plane's ServiceAccount", () => {
    const rules = one("Role", "nanofaas-control-plane").rules.flatMap((r: Obj) =>
      r.apiGroups.flatMap((g: string) =>
        r.resources.map((res: string) => ({ apiGroup: g, resource: res, verbs: [...r.verbs].sort() })),
      ),
    );
    const expected = REQUIRED_RBAC.map((r) => ({ ...r, verbs: [...r.verbs].sort() }));
    const key = (r: { apiGroup: string; resource: string }) => `${r.apiGroup}/${r.resource}`;
    expect(rules.sort((a: Obj, b: Obj) => key(a).localeCompare(key(b)))).toEqual(
      expected.sort((a, b) => key(a).localeCompare(key(b))),
    );
    const binding = one("RoleBinding", "nanofaas-control-plane");
    expect(binding.roleRef).toEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "Role",
      name: "nanofaas-control-plane",
    });
    expect(binding.subjects).toEqual([
      { kind: "ServiceAccount", name: "nanofaas-control-plane", namespace: "nanofaas" },
    ]);
    expect(pod.spec.serviceAccountName).toBe(one("ServiceAccount").metadata.name);
  });

  test(`one Recreate replica of nanofaas/control-plane:${tag}, probes on the management port`, () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.type).toBe("Recreate");
    expect(container.image).toBe(`nanofaas/control-plane:${tag}`);
    expect(container.ports).toEqual([
      { name: "http", containerPort: 8080 },
      { name: "management", containerPort: 8081 },
    ]);
    expect(container.startupProbe.httpGet).toEqual({ path: "/livez", port: "management" });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "management" });
    expect(container.livenessProbe.httpGet).toEqual({ path: "/livez", port: "management" });
  });

  test("restricted securityContext on pod and container", () => {
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
  });

  test("env: POD_NAMESPACE from the downward API, the rest accepted by the config loader; the grace outlasts the drain", () => {
    const env = Object.fromEntries(container.env.map((e: Obj) => [e.name, e]));
    expect(env.POD_NAMESPACE.valueFrom).toEqual({ fieldRef: { fieldPath: "metadata.namespace" } });
    expect(Number(env.BUN_CONFIG_MAX_HTTP_REQUESTS.value)).toBeGreaterThan(256);
    expect(env.NODE_EXTRA_CA_CERTS.value).toBe("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt");
    const values: Record<string, string> = { POD_NAMESPACE: "nanofaas", KUBERNETES_SERVICE_HOST: "10.96.0.1" };
    for (const e of container.env) if (e.value !== undefined) values[e.name] = e.value;
    const config = loadConfig(values); // throws on a misspelt NANOFAAS_ variable
    expect(config.deploymentBackend).toBe("k8s");
    expect(pod.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThanOrEqual(config.shutdownGraceMs + 5000);
  });

  test("Service control-plane (http 8080, management 8081) and the PDB select the control-plane pods", () => {
    const service = one("Service", "control-plane");
    expect(service.spec.ports).toEqual([
      { name: "http", port: 8080, targetPort: "http" },
      { name: "management", port: 8081, targetPort: "management" },
    ]);
    expect(matches(service.spec.selector, pod.metadata.labels)).toBe(true);
    expect(matches(one("PodDisruptionBudget").spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
  });

  test("NetworkPolicies select the control plane and every function pod the code creates", () => {
    const controlPlane = one("NetworkPolicy", "nanofaas-control-plane");
    expect(matches(controlPlane.spec.podSelector.matchLabels, pod.metadata.labels)).toBe(true);
    const toFunctions = controlPlane.spec.egress.find((r: Obj) => r.to?.[0]?.podSelector && !r.to[0].namespaceSelector);
    const functions = one("NetworkPolicy", "nanofaas-functions");
    for (const component of ["function", "job"] as const) {
      expect(matches(functions.spec.podSelector.matchLabels, functionLabels("f", component))).toBe(true);
      expect(matches(toFunctions.to[0].podSelector.matchLabels, functionLabels("f", component))).toBe(true);
    }
    expect(matches(functions.spec.ingress[0].from[0].podSelector.matchLabels, pod.metadata.labels)).toBe(true);
  });
});
