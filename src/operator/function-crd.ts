/**
 * @module
 * The `functions.nanofaas.io/v1` CustomResourceDefinition (SPEC-platform §9). Its `spec` schema is
 * generated from `FunctionSpec`, the zod schema the REST API validates registrations with, so the
 * two cannot drift: `just crds` writes manifests/chart/crds/ from here and a test compares. The
 * function's name is the resource's `metadata.name`, so `spec.name` is left out.
 */
import { z } from "zod";
import { FunctionSpec } from "../domain/function-spec";
import { type JsonSchema, structural } from "./structural-schema";

export const CRD_GROUP = "nanofaas.io";
export const CRD_VERSION = "v1";
export const FUNCTION_PLURAL = "functions";
export const FUNCTION_KIND = "Function";
/** Held on every Function resource until the operator has removed its workloads. */
export const FUNCTION_FINALIZER = "nanofaas.io/cleanup";
export const CONDITION_TYPES = ["Ready", "Provisioned", "Degraded"] as const;

const condition: JsonSchema = {
  type: "object",
  required: ["type", "status"],
  properties: {
    type: { type: "string", enum: [...CONDITION_TYPES] },
    status: { type: "string", enum: ["True", "False", "Unknown"] },
    reason: { type: "string" },
    message: { type: "string" },
    lastTransitionTime: { type: "string", format: "date-time" },
    observedGeneration: { type: "integer" },
  },
};

const statusSchema: JsonSchema = {
  type: "object",
  description: "Written by the operator (the status subresource).",
  properties: {
    conditions: { type: "array", items: condition },
    observedGeneration: { type: "integer", description: "The metadata.generation this status describes." },
    readyReplicas: { type: "integer" },
    version: { type: "string", description: "The spec version running: the generation it was provisioned from." },
    url: { type: "string", description: "Where to invoke the function (POST)." },
  },
};

/** The structural OpenAPI schema of a Function's `spec`, from the zod FunctionSpec. */
export function functionSpecSchema(): JsonSchema {
  const generated = z.toJSONSchema(FunctionSpec, { target: "openapi-3.0", io: "input", unrepresentable: "any" });
  const definitions = (generated.definitions ?? generated.$defs ?? {}) as Record<string, JsonSchema>;
  const spec = structural(generated as JsonSchema, definitions);
  const { name: _name, ...properties } = spec.properties as Record<string, JsonSchema>;
  const required = ((spec.required ?? []) as string[]).filter((k) => k !== "name");
  const { required: _r, ...rest } = spec;
  return {
    ...rest,
    description: "The function spec of the REST API (docs/api.md), without name: the name is metadata.name.",
    properties,
    ...(required.length > 0 ? { required } : {}),
  };
}

const column = (name: string, type: string, jsonPath: string, description: string) => ({
  name,
  type,
  jsonPath,
  description,
});

/** The whole CustomResourceDefinition object, as applied with kubectl or the Helm chart. */
export function functionCrd(): Record<string, unknown> {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${FUNCTION_PLURAL}.${CRD_GROUP}`, labels: { "app.kubernetes.io/part-of": "nanofaas" } },
    spec: {
      group: CRD_GROUP,
      scope: "Namespaced",
      names: { plural: FUNCTION_PLURAL, singular: "function", kind: FUNCTION_KIND, shortNames: ["fn"] },
      versions: [
        {
          name: CRD_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            column("Mode", "string", ".spec.executionMode", "Requested execution mode"),
            column("Ready", "string", '.status.conditions[?(@.type=="Ready")].status', "Ready condition"),
            column("Replicas", "integer", ".status.readyReplicas", "Ready replicas (DEPLOYMENT)"),
            column("Version", "string", ".status.version", "Spec version running"),
            column("Age", "date", ".metadata.creationTimestamp", "Age"),
          ],
          schema: {
            openAPIV3Schema: {
              type: "object",
              description: "A nanofaas function, reconciled by the control plane's operator (NANOFAAS_CRD_MODE).",
              required: ["spec"],
              properties: { spec: functionSpecSchema(), status: statusSchema },
            },
          },
        },
      ],
    },
  };
}
