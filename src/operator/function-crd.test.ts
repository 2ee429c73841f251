import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { CRD_FILE, renderCrd } from "../../scripts/write-crds";
import { FunctionSpec } from "../domain/function-spec";
import { functionCrd, functionSpecSchema } from "./function-crd";
import { type JsonSchema, structural } from "./structural-schema";

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
