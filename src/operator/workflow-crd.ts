/**
 * @module
 * The `workflows.nanofaas.io/v1` CustomResourceDefinition (SPEC-platform §9: "Workflow likewise").
 * Its `spec` is the workflow definition of POST /v1/workflows without `name` (the resource's
 * metadata.name), generated from the same zod WorkflowRequest the API validates with; `just crds`
 * writes it into manifests/chart/crds/ and a test compares. The graph rules (dependencies, cycles,
 * expressions, functions) are not expressible in a CRD schema: whoever reconciles a Workflow
 * resource validates it with the API's own code (workflows/definition.ts).
 */
import { WorkflowRequest } from "../workflows/workflow-spec";
import { AGE_COLUMN, column, conditionSchema, customResourceDefinition, READY_COLUMN, specSchemaFrom } from "./crd";
import type { JsonSchema } from "./structural-schema";

export const WORKFLOW_PLURAL = "workflows";
export const WORKFLOW_KIND = "Workflow";
export const WORKFLOW_CONDITION_TYPES = ["Ready", "Degraded"] as const;

const statusSchema: JsonSchema = {
  type: "object",
  description: "Written by the control plane (the status subresource).",
  properties: {
    conditions: { type: "array", items: conditionSchema(WORKFLOW_CONDITION_TYPES) },
    observedGeneration: { type: "integer", description: "The metadata.generation this status describes." },
    version: {
      type: "integer",
      description: "The workflow version (GET /v1/workflows/{name}) this generation became.",
    },
    url: { type: "string", description: "Where to run the workflow (POST …:run or …:invoke)." },
  },
};

export const workflowSpecSchema = (): JsonSchema =>
  specSchemaFrom(
    WorkflowRequest,
    "The workflow definition of the REST API (docs/workflows.md), without name: the name is metadata.name.",
  );

export function workflowCrd(): Record<string, unknown> {
  return customResourceDefinition({
    plural: WORKFLOW_PLURAL,
    singular: "workflow",
    kind: WORKFLOW_KIND,
    shortNames: ["wf"],
    description: "A nanofaas workflow: a DAG of function steps (docs/workflows.md).",
    spec: workflowSpecSchema(),
    status: statusSchema,
    columns: [
      column("On failure", "string", ".spec.onFailure", "failFast (default) or continue"),
      READY_COLUMN,
      column("Version", "integer", ".status.version", "Workflow version"),
      AGE_COLUMN,
    ],
  });
}
