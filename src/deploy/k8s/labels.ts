/**
 * @module
 * Names and labels of the objects nanofaas creates (reference control-plane.md §6.2, anchors
 * Part 2 §D). The reference's `app=nanofaas` / `function=<name>` pair is kept verbatim — the
 * Deployment selector and the Service selector use `function=<name>`, so objects created by the
 * reference are adopted by a patch — and the standard `app.kubernetes.io/*` labels plus
 * `nanofaas.io/function` are added so tools and our own watch can select function objects.
 */

/** The control plane's own name, reported as `app.kubernetes.io/managed-by`. */
export const MANAGER = "nanofaas-control-plane";
/** Label our readiness watch selects on; its value is the function name. */
export const FUNCTION_LABEL = "nanofaas.io/function";
/** Every function pod listens here (the pod contract, SPEC §2). */
export const FUNCTION_PORT = 8080;

/** `fn-<name>`: Deployment, Service and HPA share it. */
export const objectName = (name: string) => `fn-${name}`;

/** Kubernetes Service names are DNS-1035 labels (≤ 63), so `fn-<name>` leaves 60 for the name. */
export const MAX_K8S_FUNCTION_NAME = 63 - "fn-".length;

/** The Service URL every DEPLOYMENT function reports as its endpoint (reference §2.4). */
export const serviceUrl = (name: string, namespace: string) =>
  `http://${objectName(name)}.${namespace}.svc.cluster.local:${FUNCTION_PORT}/invoke`;

/** The reference's selector: the Service and the Deployment select pods with it. */
export const selectorLabels = (name: string): Record<string, string> => ({ function: name });

export type Component = "function" | "job";

/** Labels on every object and pod of a function: the reference pair plus the standard set. */
export function functionLabels(name: string, component: Component = "function"): Record<string, string> {
  const labels: Record<string, string> = {
    app: "nanofaas",
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/instance": objectName(name),
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": "nanofaas",
    "app.kubernetes.io/managed-by": MANAGER,
    [FUNCTION_LABEL]: name,
  };
  // Job pods must not carry `function=<name>`: the function's Service would route invocations
  // to them (a one-shot pod's runtime listens on 8080 too) after a mode change.
  if (component === "function") labels.function = name;
  return labels;
}

/** Prometheus scrape hints on pods and Services (reference §6.2). */
export const PROMETHEUS_ANNOTATIONS: Readonly<Record<string, string>> = {
  "prometheus.io/scrape": "true",
  "prometheus.io/path": "/metrics",
  "prometheus.io/port": String(FUNCTION_PORT),
};

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
export const isLabelValue = (value: string) => value.length <= 63 && LABEL_VALUE.test(value);
