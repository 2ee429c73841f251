/**
 * Turns the committed OpenAPI document into fast-check arbitraries: schema-shaped values (bounded
 * depth), mutations of them (a required field dropped, a wrong type, an extra field) and requests
 * for each operation. Used by the API fuzzer; deliberately small — it covers the subset of JSON
 * Schema the document uses (object/array/string/integer/number/boolean/enum/null, $ref, allOf, anyOf).
 */
import fc from "fast-check";

type Schema = Record<string, unknown>;
export type Doc = { paths: Record<string, Record<string, Schema>>; components: { schemas: Record<string, Schema> } };

export interface Operation {
  method: string;
  path: string;
  params: Schema[];
  bodySchema?: Schema;
}

export function operations(doc: Doc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!["get", "post", "put", "delete", "patch"].includes(method)) continue;
      const content = (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)?.content;
      ops.push({
        method: method.toUpperCase(),
        path,
        params: (op.parameters as Schema[]) ?? [],
        bodySchema: content?.["application/json"]?.schema,
      });
    }
  }
  return ops;
}

const resolve = (doc: Doc, schema: Schema): Schema =>
  typeof schema.$ref === "string"
    ? resolve(doc, doc.components.schemas[schema.$ref.split("/").pop() as string] as Schema)
    : schema;

const anyScalar = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));

function stringArb(schema: Schema): fc.Arbitrary<string> {
  if (typeof schema.pattern === "string" && !String(schema.pattern).includes("\\s*")) {
    return fc.stringMatching(new RegExp(schema.pattern)).map((s) => s.slice(0, Number(schema.maxLength ?? 1000)));
  }
  if (schema.format === "uri")
    return fc.constantFrom("http://127.0.0.1:1/invoke", "https://example.invalid/x", "ftp://x", "not a url");
  return fc.string({ maxLength: 40 });
}

function numberArb(schema: Schema, integer: boolean): fc.Arbitrary<number> {
  const min = typeof schema.minimum === "number" ? schema.minimum : undefined;
  const max = typeof schema.maximum === "number" ? schema.maximum : undefined;
  // Mostly in range (so valid requests get through), sometimes just outside or wild.
  const inRange = integer
    ? fc.integer({ min: min ?? -1e6, max: max ?? 1e6 })
    : fc.double({ min: min ?? -1e6, max: max ?? 1e6, noNaN: true });
  const edges = [min, max, min === undefined ? undefined : min - 1, max === undefined ? undefined : max + 1].filter(
    (n) => n !== undefined,
  ) as number[];
  return fc.oneof({ weight: 4, arbitrary: inRange }, fc.constantFrom(0, -1, 2 ** 53, 1.5, ...edges));
}

/** A value shaped like `schema`; past `depth` 0 nested containers collapse to scalars. */
export function schemaValue(doc: Doc, raw: Schema, depth = 4): fc.Arbitrary<unknown> {
  const schema = resolve(doc, raw);
  if (Array.isArray(schema.allOf)) return schemaValue(doc, schema.allOf[0] as Schema, depth);
  if (Array.isArray(schema.anyOf))
    return fc.oneof(...(schema.anyOf as Schema[]).map((s) => schemaValue(doc, s, depth)));
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type ?? "any"]) as string[];
  return fc.oneof(...types.map((t) => valueOfType(doc, schema, t, depth)));
}

function valueOfType(doc: Doc, schema: Schema, type: string, depth: number): fc.Arbitrary<unknown> {
  if (type === "null") return fc.constant(null);
  if (type === "string") return stringArb(schema);
  if (type === "integer" || type === "number") return numberArb(schema, type === "integer");
  if (type === "boolean") return fc.boolean();
  if (depth <= 0) return anyScalar;
  if (type === "array") return fc.array(schemaValue(doc, (schema.items as Schema) ?? {}, depth - 1), { maxLength: 4 });
  if (type === "object") return objectOf(doc, schema, depth);
  return fc.json({ maxDepth: 2 }).map((s) => JSON.parse(s));
}

function objectOf(doc: Doc, schema: Schema, depth: number): fc.Arbitrary<unknown> {
  const props = (schema.properties as Record<string, Schema>) ?? {};
  const required = (schema.required as string[]) ?? [];
  if (Object.keys(props).length === 0) {
    const extra = typeof schema.additionalProperties === "object" ? (schema.additionalProperties as Schema) : {};
    return fc.dictionary(fc.string({ maxLength: 10 }), schemaValue(doc, extra, depth - 1), { maxKeys: 4 });
  }
  const arbs = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, schemaValue(doc, s, depth - 1)]));
  return fc.record(arbs, { requiredKeys: required.filter((k) => k in arbs) });
}

/** A valid-ish body with one fault: a required key dropped, a key given the wrong type, or an extra key. */
export function mutatedOf(doc: Doc, schema: Schema): fc.Arbitrary<unknown> {
  return fc
    .tuple(schemaValue(doc, schema), fc.nat(), anyScalar, fc.constantFrom("drop", "retype", "extra"))
    .map(([value, pick, wrong, how]) => {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return wrong;
      const copy: Record<string, unknown> = { ...value };
      const keys = Object.keys(copy);
      const key = keys.length > 0 ? (keys[pick % keys.length] as string) : "x";
      if (how === "drop") delete copy[key];
      else if (how === "retype") copy[key] = typeof copy[key] === "string" ? 42 : String(wrong);
      else copy[`unexpected${pick % 7}`] = wrong;
      return copy;
    });
}
