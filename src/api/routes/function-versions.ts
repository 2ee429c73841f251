/**
 * @module
 * Function versions (issue 22, SPEC-platform §6): `PUT /v1/functions/{name}` (the next version, in
 * place, queued work kept), the version history, and `:rollback`.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { validation } from "../../domain/errors";
import { FunctionSpec } from "../../domain/function-spec";
import type { ResolvedFunction } from "../../domain/resolved-function";
import type { FunctionService } from "../../registry/function-service";
import type { FunctionVersionRow } from "../../store/version-rows";
import { internalPath } from "../custom-verbs";
import { callerKey, localName } from "../caller-tenant";
import { errors, json } from "../openapi-helpers";
import { FunctionResponse } from "../schemas";

const tags = ["functions"];
const NameParam = z.object({ name: z.string().meta({ param: { name: "name", in: "path" }, example: "word-stats" }) });
const VersionParams = NameParam.extend({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .meta({ param: { name: "version", in: "path" }, example: 2 }),
});

export const FunctionVersion = z
  .object({
    version: z.int(),
    createdAt: z.string().meta({ description: "When this version was made (ISO-8601 UTC)" }),
    spec: FunctionSpec,
  })
  .meta({ id: "FunctionVersion" });

export const RollbackRequest = z
  .object({
    version: z.int().min(1).optional().meta({ description: "Default: the newest version older than the active one" }),
  })
  .strict()
  .meta({ id: "RollbackRequest" });

const updateFunction = createRoute({
  method: "put",
  path: "/v1/functions/{name}",
  operationId: "updateFunction",
  tags,
  summary: "Update a function (a new version, in place)",
  description: "Queued executions are kept and run on the new version; the body's name must be the path's.",
  request: { params: NameParam, body: { required: true, content: { "application/json": { schema: FunctionSpec } } } },
  responses: { 200: json(FunctionResponse, "The new active version"), ...errors(400, 403, 404, 413, 415, 502, 503) },
});

const listVersions = createRoute({
  method: "get",
  path: "/v1/functions/{name}/versions",
  operationId: "listFunctionVersions",
  tags,
  summary: "A function's versions, oldest first",
  request: { params: NameParam },
  responses: {
    200: json(
      z.object({ items: z.array(FunctionVersion), nextCursor: z.null() }).meta({ id: "FunctionVersionPage" }),
      "Its versions",
    ),
    ...errors(404),
  },
});

const getVersion = createRoute({
  method: "get",
  path: "/v1/functions/{name}/versions/{version}",
  operationId: "getFunctionVersion",
  tags,
  summary: "One version of a function",
  request: { params: VersionParams },
  responses: { 200: json(FunctionVersion, "The version"), ...errors(400, 404) },
});

const rollback = createRoute({
  method: "post",
  path: internalPath("/v1/functions/{name}:rollback"),
  operationId: "rollbackFunction",
  tags,
  summary: "Make an earlier version active again",
  description:
    'Body optional: `{"version": N}`; without it, the newest version older than the active one. 409 when there is none.',
  // The body is optional and read by the handler (parseRollbackBody): the framework's validator
  // refuses an empty body sent with a JSON Content-Type.
  request: { params: NameParam },
  responses: { 200: json(FunctionResponse, "The function, now at that version"), ...errors(400, 404, 409, 502, 503) },
});

const view = (row: FunctionVersionRow) => ({
  version: row.version,
  createdAt: new Date(row.createdAt).toISOString(),
  spec: { ...row.spec, name: localName(row.spec.name) },
});

/** `respond` renders a function as every function route does (status, circuit). */
export function registerVersionRoutes(
  app: OpenAPIHono,
  functions: FunctionService,
  respond: (fn: ResolvedFunction) => never,
): void {
  app.openapi(updateFunction, async (c) => {
    const { name } = c.req.valid("param");
    const spec = c.req.valid("json");
    if (spec.name !== name) {
      throw validation("Request validation failed", [
        `name: must be '${name}' (the path's name); a rename is a new function`,
      ]);
    }
    return c.json(respond(await functions.update({ ...spec, name: callerKey(c, name) })), 200);
  });

  app.openapi(listVersions, async (c) => {
    const rows = await functions.versions(callerKey(c, c.req.valid("param").name));
    return c.json({ items: rows.map(view), nextCursor: null } as never, 200);
  });

  app.openapi(getVersion, async (c) => {
    const { name, version } = c.req.valid("param");
    return c.json(view(await functions.version(callerKey(c, name), version)) as never, 200);
  });

  app.openapi(rollback, async (c) => {
    const { name } = c.req.valid("param");
    const body = parseRollbackBody(await c.req.text());
    return c.json(respond(await functions.rollback(callerKey(c, name), body.version)), 200);
  });
}

/** The body is optional (no body, or `{}`), so it is read here rather than by the JSON gate. */
function parseRollbackBody(raw: string): z.infer<typeof RollbackRequest> {
  const text = raw.trim();
  if (text === "") return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw validation("Request validation failed", ['body: must be JSON: {} or {"version": N}']);
  }
  const parsed = RollbackRequest.safeParse(data);
  if (!parsed.success) {
    throw validation(
      "Request validation failed",
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`),
    );
  }
  return parsed.data;
}
