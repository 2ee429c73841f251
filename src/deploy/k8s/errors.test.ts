import { describe, expect, test } from "bun:test";
import { ApiException } from "@kubernetes/client-node";
import { NanofaasError } from "../../domain/errors";
import { K8sStatusError, toBackendError } from "./errors";

const op = { verb: "patch", kind: "Deployment", resource: "deployments.apps", namespace: "fns", name: "fn-a" };
const apiError = (code: number, body: object) => new ApiException(code, `HTTP-Code: ${code}`, JSON.stringify(body), {});

describe("toBackendError", () => {
  test("403 names the verb, resource and namespace to grant", () => {
    const error = toBackendError(
      apiError(403, { kind: "Status", reason: "Forbidden", message: 'deployments.apps "fn-a" is forbidden' }),
      op,
    );
    expect(error.code).toBe("BACKEND_FORBIDDEN");
    expect(error.message).toBe(
      "Kubernetes denied 'patch' on deployments.apps in namespace 'fns': grant it to the control plane's ServiceAccount",
    );
    expect(error.details).toEqual(['deployments.apps "fn-a" is forbidden']);
  });

  test("422 carries the API server's causes", () => {
    const body = {
      message: 'Deployment "fn-a" is invalid',
      details: {
        causes: [
          {
            field: "spec.template.spec.containers[0].resources.limits[cpu]",
            message: "quantities must match the regular expression",
          },
        ],
      },
    };
    const error = toBackendError(apiError(422, body), op);
    expect(error.code).toBe("UNPROCESSABLE");
    expect(error.message).toBe(
      "Kubernetes rejected Deployment 'fn-a' in namespace 'fns' as invalid: Deployment \"fn-a\" is invalid",
    );
    expect(error.details).toEqual([
      "spec.template.spec.containers[0].resources.limits[cpu]: quantities must match the regular expression",
    ]);
  });

  test.each([
    [401, "BACKEND_ERROR", "credentials"],
    [404, "BACKEND_ERROR", "does not exist"],
    [409, "BACKEND_ERROR", "answered 409"],
    [500, "BACKEND_ERROR", "answered 500"],
  ] as const)("%d → %s", (code, expected, fragment) => {
    const error = toBackendError(new K8sStatusError(code, '{"message":"boom"}'), op);
    expect(error.code).toBe(expected);
    expect(error.message).toContain(fragment);
  });

  test("an unreachable API server is BACKEND_UNAVAILABLE with Retry-After", () => {
    const error = toBackendError(new TypeError("ECONNREFUSED: Unable to connect"), op);
    expect(error.code).toBe("BACKEND_UNAVAILABLE");
    expect(error.retryAfterSeconds).toBe(1);
  });

  test("anything else is BACKEND_ERROR, and our own errors pass through", () => {
    expect(toBackendError(new Error("weird"), op).code).toBe("BACKEND_ERROR");
    const own = new NanofaasError("PAYLOAD_TOO_LARGE", "big");
    expect(toBackendError(own, op)).toBe(own);
  });
});
