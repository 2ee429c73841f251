/**
 * @module
 * Turns the JSON Schema zod writes (OpenAPI 3.0 flavour) into a Kubernetes *structural* schema, the
 * only kind a CustomResourceDefinition accepts: no `$ref` (definitions are inlined), no `allOf` /
 * `oneOf` / `anyOf` carrying types (a union of objects becomes one object with every branch's
 * properties — zod still checks the union when the operator reads the spec), a type at every node
 * (an untyped "any JSON" node keeps its content with `x-kubernetes-preserve-unknown-fields`), and
 * no ±2^53 integer bounds (noise zod adds for `z.int()`).
 */

export type JsonSchema = { [key: string]: unknown };

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const KEPT = new Set([
  "type",
  "description",
  "nullable",
  "enum",
  "format",
  "pattern",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "required",
  "example",
]);

const isSchema = (v: unknown): v is JsonSchema => typeof v === "object" && v !== null && !Array.isArray(v);

/** The structural form of `schema`, with `#/definitions/X` references looked up in `definitions`. */
export function structural(schema: JsonSchema, definitions: Record<string, JsonSchema>): JsonSchema {
  const resolve = (node: JsonSchema): JsonSchema => {
    if (typeof node.$ref === "string") {
      const target = definitions[node.$ref.replace(/^#\/(definitions|\$defs)\//, "")];
      if (!target) throw new Error(`unresolved reference ${node.$ref}`);
      const { $ref: _ref, ...rest } = node;
      return resolve({ ...target, ...rest });
    }
    const branches = [node.allOf, node.oneOf, node.anyOf].find(Array.isArray) as JsonSchema[] | undefined;
    if (branches) {
      const { allOf: _a, oneOf: _o, anyOf: _y, ...rest } = node;
      return { ...unionOf(branches.map(resolve)), ...rest };
    }
    return node;
  };
  const walk = (input: JsonSchema): JsonSchema => {
    const node = resolve(input);
    const out: JsonSchema = {};
    for (const [key, value] of Object.entries(node)) if (KEPT.has(key)) out[key] = value;
    if (out.minimum === -MAX_SAFE) delete out.minimum;
    if (out.maximum === MAX_SAFE) delete out.maximum;
    if (isSchema(node.properties))
      out.properties = Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, walk(v as JsonSchema)]));
    if (isSchema(node.items)) out.items = walk(node.items);
    if (isSchema(node.additionalProperties)) out.additionalProperties = walk(node.additionalProperties);
    if (out.type === undefined) {
      delete out.nullable;
      out["x-kubernetes-preserve-unknown-fields"] = true;
    }
    return out;
  };
  return walk(schema);
}

/**
 * One schema accepting what any branch accepts, as far as a structural schema can say: the same
 * type, every property (enums joined), only the properties every branch requires.
 */
function unionOf(branches: JsonSchema[]): JsonSchema {
  if (branches.length === 1) return branches[0]!;
  const types = new Set(branches.map((b) => b.type));
  if (types.size !== 1 || !types.has("object")) return {};
  const properties: Record<string, JsonSchema> = {};
  for (const branch of branches) {
    for (const [key, value] of Object.entries((branch.properties ?? {}) as Record<string, JsonSchema>)) {
      const seen = properties[key];
      properties[key] =
        seen && Array.isArray(seen.enum) && Array.isArray(value.enum)
          ? { ...seen, enum: [...new Set([...seen.enum, ...value.enum])] }
          : (seen ?? value);
    }
  }
  const required = branches
    .map((b) => (b.required ?? []) as string[])
    .reduce((common, next) => common.filter((k) => next.includes(k)));
  return { type: "object", properties, ...(required.length > 0 ? { required } : {}) };
}
