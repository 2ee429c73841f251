/**
 * @module
 * The `functions.nanofaas.io/v1` CustomResourceDefinition (SPEC-platform §9). Its `spec` schema is
 * generated from `FunctionSpec`, the zod schema the REST API validates registrations with, so the
 * two cannot drift: `just crds` writes manifests/chart/crds/ from here and a test compares. The
 * function's name is the resource's `metadata.name`, so `spec.name` is left out.
 */
import { FunctionSpec } from "../domain/function-spec";
import {
  AGE_COLUMN,
  CRD_GROUP,
  CRD_VERSION,
  column,
  conditionSchema,
  customResourceDefinition,
  READY_COLUMN,
  specSchemaFrom,
} from "./crd";
import { CLEANUP_FINALIZER } from "./resource-writes";
import type { JsonSchema } from "./structural-schema";

export { CRD_GROUP, CRD_VERSION };
export const FUNCTION_PLURAL = "functions";
export const FUNCTION_KIND = "Function";
/** Held on every Function resource until the operator has removed its workloads. */
export const FUNCTION_FINALIZER = CLEANUP_FINALIZER;
export const CONDITION_TYPES = ["Ready", "Provisioned", "Degraded"] as const;

const statusSchema: JsonSchema = {
  type: "object",
  description: "Written by the operator (the status subresource).",
  properties: {
    conditions: { type: "array", items: conditionSchema(CONDITION_TYPES) },
    observedGeneration: { type: "integer", description: "The metadata.generation this status describes." },
    readyReplicas: { type: "integer" },
    version: { type: "string", description: "The spec version running: the generation it was provisioned from." },
    url: { type: "string", description: "Where to invoke the function (POST)." },
  },
};

/** The structural OpenAPI schema of a Function's `spec`, from the zod FunctionSpec. */
export const functionSpecSchema = (): JsonSchema =>
  specSchemaFrom(
    FunctionSpec,
    "The function spec of the REST API (docs/api.md), without name: the name is metadata.name.",
  );

/** The whole CustomResourceDefinition object, as applied with kubectl or the Helm chart. */
export function functionCrd(): Record<string, unknown> {
  return customResourceDefinition({
    plural: FUNCTION_PLURAL,
    singular: "function",
    kind: FUNCTION_KIND,
    shortNames: ["fn"],
    description: "A nanofaas function, reconciled by the control plane's operator (NANOFAAS_CRD_MODE).",
    spec: functionSpecSchema(),
    status: statusSchema,
    columns: [
      column("Mode", "string", ".spec.executionMode", "Requested execution mode"),
      READY_COLUMN,
      column("Replicas", "integer", ".status.readyReplicas", "Ready replicas (DEPLOYMENT)"),
      column("Version", "string", ".status.version", "Spec version running"),
      AGE_COLUMN,
    ],
  });
}
