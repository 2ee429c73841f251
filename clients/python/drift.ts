/**
 * @module
 * The Python client's drift check: `nanofaas_client/operations.json` names, by operationId, every
 * API operation the hand-written client calls, with what it relies on — method, path, required body
 * fields, the headers it sends, the success status. `driftOf` lists each way openapi/openapi.json
 * now disagrees, so a change to the API fails a test instead of a user's call.
 */

export interface CoveredOperation {
  method: string;
  path: string;
  requiredBody?: string[];
  headers?: string[];
  success: number;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, unknown>;
}
interface Schema {
  $ref?: string;
  required?: string[];
}
export interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = ["get", "post", "put", "delete", "patch"];

/** The covered operations from the parsed operations.json (keys starting with `_` are comments). */
export function coveredOperations(table: Record<string, unknown>): Record<string, CoveredOperation> {
  return Object.fromEntries(Object.entries(table).filter(([id]) => !id.startsWith("_"))) as Record<
    string,
    CoveredOperation
  >;
}

export function driftOf(covered: Record<string, CoveredOperation>, doc: OpenApiDoc): string[] {
  const byId = new Map<string, { method: string; path: string; op: Operation }>();
  for (const [path, item] of Object.entries(doc.paths))
    for (const method of METHODS)
      if (item[method]?.operationId) byId.set(item[method].operationId, { method, path, op: item[method] });
  return Object.entries(covered).flatMap(([id, want]) => {
    const found = byId.get(id);
    if (!found) return [`${id}: no operation with this operationId in openapi.json`];
    return operationDrift(want, found.method.toUpperCase(), found.path, found.op, doc).map((p) => `${id}: ${p}`);
  });
}

function operationDrift(want: CoveredOperation, method: string, path: string, op: Operation, doc: OpenApiDoc) {
  const problems: string[] = [];
  const differ = (what: string, client: unknown, api: unknown) => {
    if (JSON.stringify(client) !== JSON.stringify(api))
      problems.push(`${what}: the client has ${JSON.stringify(client)}, the API ${JSON.stringify(api)}`);
  };
  differ("method", want.method, method);
  differ("path", want.path, path);
  const params = op.parameters ?? [];
  const pathParams = [...want.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  differ(
    "path parameters",
    pathParams,
    params
      .filter((p) => p.in === "path")
      .map((p) => p.name)
      .sort(),
  );
  differ("required body fields", [...(want.requiredBody ?? [])].sort(), requiredBody(op, doc));
  const sent = new Set(want.headers ?? []);
  const headerNames = new Set(params.filter((p) => p.in === "header").map((p) => p.name.toLowerCase()));
  for (const name of sent)
    if (!headerNames.has(name)) problems.push(`sends header ${name}, which the API no longer takes`);
  for (const p of params)
    if (p.required && p.in !== "path" && !sent.has(p.name.toLowerCase()))
      problems.push(`the API now requires ${p.in} parameter ${p.name}, which the client does not send`);
  if (!Object.hasOwn(op.responses ?? {}, String(want.success)))
    problems.push(
      `success status ${want.success} is not among the API's (${Object.keys(op.responses ?? {}).join(", ")})`,
    );
  return problems;
}

function requiredBody(op: Operation, doc: OpenApiDoc): string[] {
  let schema = op.requestBody?.content?.["application/json"]?.schema;
  if (schema?.$ref) schema = doc.components?.schemas?.[schema.$ref.replace("#/components/schemas/", "")];
  return [...(schema?.required ?? [])].sort();
}
