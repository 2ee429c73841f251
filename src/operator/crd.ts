/**
 * @module
 * The parts every nanofaas CustomResourceDefinition shares (Function, Workflow): the group and
 * version, a `spec` schema generated from the zod schema the REST API validates the same object
 * with (minus `name`, which is the resource's metadata.name), the status conditions, and the CRD
 * object itself. `just crds` writes them into manifests/chart/crds/.
 */
import { z } from "zod";
import { type JsonSchema, structural } from "./structural-schema";

export const CRD_GROUP = "nanofaas.io";
export const CRD_VERSION = "v1";

/** The structural schema of `spec`, from the API's zod schema of the same object, without `name`. */
export function specSchemaFrom(schema: z.ZodType, description: string): JsonSchema {
  const generated = z.toJSONSchema(schema, { target: "openapi-3.0", io: "input", unrepresentable: "any" });
  const definitions = (generated.definitions ?? generated.$defs ?? {}) as Record<string, JsonSchema>;
  const spec = structural(generated as JsonSchema, definitions);
  const { name: _name, ...properties } = spec.properties as Record<string, JsonSchema>;
  const required = ((spec.required ?? []) as string[]).filter((k) => k !== "name");
  const { required: _r, ...rest } = spec;
  return { ...rest, description, properties, ...(required.length > 0 ? { required } : {}) };
}

/** A status condition whose `type` is one of `types`. */
export const conditionSchema = (types: readonly string[]): JsonSchema => ({
  type: "object",
  required: ["type", "status"],
  properties: {
    type: { type: "string", enum: [...types] },
    status: { type: "string", enum: ["True", "False", "Unknown"] },
    reason: { type: "string" },
    message: { type: "string" },
    lastTransitionTime: { type: "string", format: "date-time" },
    observedGeneration: { type: "integer" },
  },
});

export const column = (name: string, type: string, jsonPath: string, description: string) => ({
  name,
  type,
  jsonPath,
  description,
});

export const READY_COLUMN = column(
  "Ready",
  "string",
  '.status.conditions[?(@.type=="Ready")].status',
  "Ready condition",
);
export const AGE_COLUMN = column("Age", "date", ".metadata.creationTimestamp", "Age");

export interface CrdShape {
  plural: string;
  singular: string;
  kind: string;
  shortNames: string[];
  description: string;
  spec: JsonSchema;
  status: JsonSchema;
  columns: ReturnType<typeof column>[];
}

/** The whole namespaced CustomResourceDefinition, with the status subresource. */
export function customResourceDefinition(shape: CrdShape): Record<string, unknown> {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${shape.plural}.${CRD_GROUP}`, labels: { "app.kubernetes.io/part-of": "nanofaas" } },
    spec: {
      group: CRD_GROUP,
      scope: "Namespaced",
      names: { plural: shape.plural, singular: shape.singular, kind: shape.kind, shortNames: shape.shortNames },
      versions: [
        {
          name: CRD_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: shape.columns,
          schema: {
            openAPIV3Schema: {
              type: "object",
              description: shape.description,
              required: ["spec"],
              properties: { spec: shape.spec, status: shape.status },
            },
          },
        },
      ],
    },
  };
}
