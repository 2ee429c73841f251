/**
 * @module
 * Kubernetes API failures → the one error vocabulary (SPEC §1.1), never a raw client exception.
 * 403 names the RBAC verb, resource and namespace to grant; 422 (the API server found our object
 * invalid, almost always because of a value the client registered, e.g. `resources.cpu: "lots"`)
 * carries the API server's causes; an unreachable API server is 503 so callers may retry; every
 * other status is BACKEND_ERROR. Classification uses status codes, never message text.
 */
import { ApiException } from "@kubernetes/client-node";
import { NanofaasError } from "../../domain/errors";

export interface K8sOperation {
  /** RBAC verb: create, patch, delete, list, watch… */
  verb: string;
  /** RBAC resource as `kubectl auth can-i` spells it: `deployments.apps`, `deployments.apps/scale`, `services`. */
  resource: string;
  kind: string;
  namespace: string;
  name?: string;
}

/** A non-2xx answer to one of our raw requests (the readiness watch). */
export class K8sStatusError extends Error {
  constructor(
    readonly code: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${code}`);
    this.name = "K8sStatusError";
  }
}

interface Status {
  message?: string;
  reason?: string;
  details?: { causes?: { field?: string; message?: string }[] };
}

function statusOf(error: unknown): { code?: number; status: Status } {
  if (!(error instanceof ApiException) && !(error instanceof K8sStatusError)) return { status: {} };
  let body: unknown = error.body;
  if (typeof body === "string") {
    try {
      body = JSON.parse(body);
    } catch {
      body = { message: body };
    }
  }
  return { code: error.code, status: typeof body === "object" && body !== null ? (body as Status) : {} };
}

/** The HTTP status of a Kubernetes failure, undefined for transport errors. */
export function statusCode(error: unknown): number | undefined {
  return statusOf(error).code;
}

export function toBackendError(error: unknown, op: K8sOperation): NanofaasError {
  if (error instanceof NanofaasError) return error;
  const { code, status } = statusOf(error);
  const what = `${op.kind}${op.name ? ` '${op.name}'` : "s"} in namespace '${op.namespace}'`;
  const apiMessage = status.message ?? (error instanceof Error ? error.message : String(error));
  const details = apiMessage ? [apiMessage] : undefined;
  switch (code) {
    case undefined: {
      // Not an API answer: a bug in our code, or the API server could not be reached.
      const transport = error instanceof TypeError || (error as { name?: string })?.name === "TimeoutError";
      if (!transport)
        return new NanofaasError("BACKEND_ERROR", `Kubernetes '${op.verb}' of ${what} failed: ${apiMessage}`, {
          cause: error,
        });
      return new NanofaasError(
        "BACKEND_UNAVAILABLE",
        `Kubernetes API server unreachable ('${op.verb}' of ${what}): ${apiMessage}`,
        { retryAfterSeconds: 1, cause: error },
      );
    }
    case 401:
      return new NanofaasError(
        "BACKEND_ERROR",
        `Kubernetes rejected the control plane's credentials on '${op.verb}' of ${what}: check its ServiceAccount token or kubeconfig`,
        { details, cause: error },
      );
    case 403:
      return new NanofaasError(
        "BACKEND_FORBIDDEN",
        `Kubernetes denied '${op.verb}' on ${op.resource} in namespace '${op.namespace}': grant it to the control plane's ServiceAccount`,
        { details, cause: error },
      );
    case 422: {
      const causes = (status.details?.causes ?? []).map((c) => `${c.field ?? "?"}: ${c.message ?? ""}`);
      return new NanofaasError("UNPROCESSABLE", `Kubernetes rejected ${what} as invalid: ${apiMessage}`, {
        details: causes.length > 0 ? causes : details,
        cause: error,
      });
    }
    case 404:
      return new NanofaasError("BACKEND_ERROR", `${what} does not exist`, { details, cause: error });
    default:
      return new NanofaasError(
        "BACKEND_ERROR",
        `Kubernetes answered ${code} to '${op.verb}' of ${what}: ${apiMessage}`,
        { details, cause: error },
      );
  }
}
