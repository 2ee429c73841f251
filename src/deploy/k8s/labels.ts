/**
 * @module
 * Names and labels of the objects nanofaas creates (reference control-plane.md §6.2, anchors
 * Part 2 §D). The reference's `app=nanofaas` / `function=<name>` pair is kept verbatim — the
 * Deployment selector and the Service selector use `function=<name>`, so objects created by the
 * reference are adopted by a patch — and the standard `app.kubernetes.io/*` labels plus
 * `nanofaas.io/function` are added so tools and our own watch can select function objects.
 * Object names and label values come from the function name through `resourceName` (issue 15.3):
 * a reference name such as `WordStats` becomes `fn-wordstats-<hash>`.
 */
import { resourceName } from "../../domain/object-name";

/** The control plane's own name, reported as `app.kubernetes.io/managed-by`. */
export const MANAGER = "nanofaas-control-plane";
/** Label our readiness watch selects on; its value is the function name. */
export const FUNCTION_LABEL = "nanofaas.io/function";
/** Every function pod listens here (the pod contract, SPEC §2). */
export const FUNCTION_PORT = 8080;

/** Annotation carrying the function's own name where labels can only hold a derived one. */
export const FUNCTION_NAME_ANNOTATION = "nanofaas.io/function-name";

/** `fn-<resourceName>` (≤ 63, a DNS-1035 label): Deployment, Service and HPA share it. */
export const objectName = (name: string) => `fn-${resourceName(name)}`;

/** The function name where a label value allows it (`word_stats.v2` does), else its resourceName. */
export const labelValue = (name: string) => (isLabelValue(name) ? name : resourceName(name));

/** The Service URL every DEPLOYMENT function reports as its endpoint (reference §2.4). */
export const serviceUrl = (name: string, namespace: string) =>
  `http://${objectName(name)}.${namespace}.svc.cluster.local:${FUNCTION_PORT}/invoke`;

/** The reference's selector: the Service and the Deployment select pods with it. */
export const selectorLabels = (name: string): Record<string, string> => ({ function: labelValue(name) });

export type Component = "function" | "job";

/** Labels on every object and pod of a function: the reference pair plus the standard set. */
export function functionLabels(name: string, component: Component = "function"): Record<string, string> {
  const value = labelValue(name);
  const labels: Record<string, string> = {
    app: "nanofaas",
    "app.kubernetes.io/name": value,
    "app.kubernetes.io/instance": objectName(name),
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": "nanofaas",
    "app.kubernetes.io/managed-by": MANAGER,
    [FUNCTION_LABEL]: value,
  };
  // Job pods must not carry `function=<name>`: the function's Service would route invocations
  // to them (a one-shot pod's runtime listens on 8080 too) after a mode change.
  if (component === "function") labels.function = value;
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
