import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { CRD_FILE, CRD_FILES, renderCrd } from "../../scripts/write-crds";
import { FunctionSpec } from "../domain/function-spec";
import { WorkflowRequest } from "../workflows/workflow-spec";
import { functionCrd, functionSpecSchema } from "./function-crd";
import { type JsonSchema, structural } from "./structural-schema";
import { workflowCrd, workflowSpecSchema } from "./workflow-crd";

// biome-ignore lint/suspicious/noExplicitAny: walking free-form JSON Schema.
type Node = any;

/** Every path in `schema` breaking a rule of Kubernetes structural schemas. */
function nonStructural(node: Node, path = "$"): string[] {
  const found: string[] = [];
  for (const key of ["$ref", "allOf", "oneOf", "anyOf", "definitions", "$defs", "additionalProperties"])
    if (key in node && !(key === "additionalProperties" && !("properties" in node))) found.push(`${path}: ${key}`);
  if (node.type === undefined && node["x-kubernetes-preserve-unknown-fields"] !== true) found.push(`${path}: no type`);
  for (const [k, v] of Object.entries(node.properties ?? {})) found.push(...nonStructural(v, `${path}.${k}`));
  if (node.items) found.push(...nonStructural(node.items, `${path}[]`));
  if (node.additionalProperties) found.push(...nonStructural(node.additionalProperties, `${path}{}`));
  return found;
}

describe("the Function CRD", () => {
  test("manifests/chart/crds/ is what `just crds` writes from the zod FunctionSpec (run it after changing the spec)", () => {
    expect(readFileSync(CRD_FILE, "utf8")).toBe(renderCrd());
    expect(parse(readFileSync(CRD_FILE, "utf8"))).toEqual(functionCrd());
  });

  test("spec has every FunctionSpec field but name, with the zod bounds", () => {
    const spec = functionSpecSchema();
    const fields = Object.keys(FunctionSpec.shape).filter((k) => k !== "name");
    expect(Object.keys(spec.properties as object).sort()).toEqual(fields.sort());
    const props = spec.properties as Record<string, Node>;
    expect([props.timeoutMs.minimum, props.concurrency.maximum]).toEqual([1, 10_000]);
    expect(props.executionMode.enum).toEqual(["LOCAL", "POOL", "DEPLOYMENT", "REMOTE"]);
  });

  test("the schema is structural, as the API server demands", () => {
    const crd = functionCrd() as Node;
    expect(nonStructural(crd.spec.versions[0].schema.openAPIV3Schema)).toEqual([]);
  });

  test("structural(): refs are inlined, unions of objects merged, untyped nodes preserved", () => {
    const definitions: Record<string, JsonSchema> = {
      A: {
        type: "object",
        properties: { kind: { type: "string", enum: ["a"] }, x: { type: "string" } },
        required: ["kind", "x"],
      },
      B: {
        type: "object",
        properties: { kind: { type: "string", enum: ["b"] }, y: { type: "integer" } },
        required: ["kind"],
      },
    };
    const out = structural(
      {
        type: "object",
        properties: {
          u: { nullable: true, oneOf: [{ $ref: "#/definitions/A" }, { $ref: "#/definitions/B" }] },
          any: { description: "anything" },
          n: { type: "integer", minimum: -Number.MAX_SAFE_INTEGER, maximum: 5 },
        },
      },
      definitions,
    );
    expect(out).toEqual({
      type: "object",
      properties: {
        u: {
          type: "object",
          nullable: true,
          required: ["kind"],
          properties: { kind: { type: "string", enum: ["a", "b"] }, x: { type: "string" }, y: { type: "integer" } },
        },
        any: { description: "anything", "x-kubernetes-preserve-unknown-fields": true },
        n: { type: "integer", maximum: 5 },
      },
    });
    expect(() => structural({ $ref: "#/definitions/Missing" }, {})).toThrow("unresolved reference");
  });
});

describe("the Workflow CRD", () => {
  test("manifests/chart/crds/ holds what `just crds` writes, for every CRD (run it after changing a spec)", () => {
    expect(Object.keys(CRD_FILES).map((p) => p.split("/").pop())).toEqual([
      "functions.nanofaas.io.yaml",
      "workflows.nanofaas.io.yaml",
    ]);
    for (const [path, text] of Object.entries(CRD_FILES)) expect(readFileSync(path, "utf8")).toBe(text());
    expect(parse(readFileSync(Object.keys(CRD_FILES)[1] as string, "utf8"))).toEqual(workflowCrd());
  });

  test("spec has every WorkflowRequest field but name, with the zod bounds; input and output keep any JSON", () => {
    const spec = workflowSpecSchema() as Node;
    expect(Object.keys(spec.properties).sort()).toEqual(
      Object.keys(WorkflowRequest.shape)
        .filter((k) => k !== "name")
        .sort(),
    );
    expect(spec.required).toEqual(["steps"]);
    expect([spec.properties.steps.minItems, spec.properties.steps.maxItems]).toEqual([1, 100]);
    const step = spec.properties.steps.items;
    expect(step.required.sort()).toEqual(["function", "id"]);
    expect(step.properties.retry.properties.maxAttempts.maximum).toBe(10);
    expect(step.properties.input["x-kubernetes-preserve-unknown-fields"]).toBe(true);
    expect(spec.properties.output["x-kubernetes-preserve-unknown-fields"]).toBe(true);
    expect(spec.properties.onFailure.enum).toEqual(["failFast", "continue"]);
  });

  test("workflows.nanofaas.io/v1, kind Workflow, namespaced, structural, with the status subresource", () => {
    const crd = workflowCrd() as Node;
    expect(crd.metadata.name).toBe("workflows.nanofaas.io");
    expect(crd.spec.names).toMatchObject({ kind: "Workflow", plural: "workflows", shortNames: ["wf"] });
    expect(crd.spec.scope).toBe("Namespaced");
    const version = crd.spec.versions[0];
    expect(version.subresources).toEqual({ status: {} });
    expect(nonStructural(version.schema.openAPIV3Schema)).toEqual([]);
    expect(version.additionalPrinterColumns.map((c: Node) => c.name)).toEqual([
      "On failure",
      "Ready",
      "Version",
      "Age",
    ]);
  });
});
