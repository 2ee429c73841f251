import { expect, test } from "bun:test";
import { loadConfig } from "../../config/config";
import { kubernetesCallbackUrl } from "./callback-url";

test.each([
  [{}, "http://control-plane.default.svc.cluster.local:8080/v1/internal/executions"],
  [{ POD_NAMESPACE: "nanofaas" }, "http://control-plane.nanofaas.svc.cluster.local:8080/v1/internal/executions"],
  // The control plane's own namespace wins over the functions' namespace: that is where its Service is.
  [
    { POD_NAMESPACE: "nanofaas", NANOFAAS_K8S_NAMESPACE: "fns" },
    "http://control-plane.nanofaas.svc.cluster.local:8080/v1/internal/executions",
  ],
  [
    { NANOFAAS_K8S_NAMESPACE: "fns", NANOFAAS_K8S_SERVICE_NAME: "faas" },
    "http://faas.fns.svc.cluster.local:8080/v1/internal/executions",
  ],
  [
    { POD_NAMESPACE: "nanofaas", NANOFAAS_CALLBACK_URL: "http://cp.example:9000/v1/internal/executions" },
    "http://cp.example:9000/v1/internal/executions",
  ],
])("%p → %s", (env, expected) => {
  expect(kubernetesCallbackUrl(loadConfig(env))).toBe(expected);
});
