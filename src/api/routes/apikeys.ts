/**
 * @module
 * `/v1/apikeys` (SPEC-platform §2): create a key (its secret is in this one answer only), list,
 * get and revoke (at once: the next request with it is 401). `admin` only (src/auth/route-scopes.ts).
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { ApiKey, ApiKeyRegistry } from "../../auth/api-key-registry";
import { DEFAULT_TENANT } from "../../auth/api-keys-file";
import { scopeProblem } from "../../auth/scopes";
import { NanofaasError, notFound } from "../../domain/errors";
import { errors, json } from "../openapi-helpers";
import { pageOf, PageQuery } from "./page";

const tags = ["apikeys"];
const IdParam = z.object({ id: z.string().meta({ param: { name: "id", in: "path" } }) });
const Scope = z.string().superRefine((text, ctx) => {
  const problem = scopeProblem(text);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const CreateApiKey = z
  .object({
    name: z.string().min(1).max(100),
    scopes: z.array(Scope).min(1).max(50),
    tenant: z.string().min(1).max(63).optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional().meta({ description: "ISO-8601; absent = never" }),
  })
  .meta({ id: "CreateApiKey" });

const ApiKeyView = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().meta({ description: "The secret's first characters: names the key in lists and logs" }),
    scopes: z.array(z.string()),
    tenant: z.string(),
    createdAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    source: z.enum(["api", "file"]).meta({ description: "`file`: from NANOFAAS_API_KEYS_FILE (revoked there)" }),
  })
  .meta({ id: "ApiKey" });
const CreatedApiKey = ApiKeyView.extend({
  key: z.string().meta({ description: "The secret: shown in this answer only, never again" }),
}).meta({ id: "CreatedApiKey" });

const create = createRoute({
  method: "post",
  path: "/v1/apikeys",
  tags,
  operationId: "createApiKey",
  summary: "Create an API key",
  request: { body: { required: true, content: { "application/json": { schema: CreateApiKey } } } },
  responses: { 201: json(CreatedApiKey, "The key, with its secret (shown once)"), ...errors(400, 413, 415) },
});
const list = createRoute({
  method: "get",
  path: "/v1/apikeys",
  tags,
  operationId: "listApiKeys",
  summary: "List API keys (never their secrets)",
  request: { query: PageQuery },
  responses: {
    200: json(z.object({ items: z.array(ApiKeyView), nextCursor: z.string().nullable() }), "Newest first"),
    ...errors(400),
  },
});
const get = createRoute({
  method: "get",
  path: "/v1/apikeys/{id}",
  tags,
  operationId: "getApiKey",
  summary: "Get an API key (never its secret)",
  request: { params: IdParam },
  responses: { 200: json(ApiKeyView, "The key"), ...errors(404) },
});
const revoke = createRoute({
  method: "delete",
  path: "/v1/apikeys/{id}",
  tags,
  operationId: "revokeApiKey",
  summary: "Revoke an API key (effective at once)",
  request: { params: IdParam },
  responses: { 204: { description: "Revoked" }, ...errors(404, 409) },
});

const iso = (ms: number | null) => (ms === null || ms === 0 ? null : new Date(ms).toISOString());
const view = (key: ApiKey) => ({
  id: key.id,
  name: key.name,
  prefix: key.prefix,
  scopes: [...key.scopes.list],
  tenant: key.tenant,
  createdAt: iso(key.createdAt),
  expiresAt: iso(key.expiresAt),
  source: key.source,
});

export function registerApiKeyRoutes(app: OpenAPIHono, keys: ApiKeyRegistry): void {
  app.openapi(create, async (c) => {
    const body = c.req.valid("json");
    const expiresAt = body.expiresAt === undefined ? null : Date.parse(body.expiresAt);
    if (expiresAt !== null && expiresAt <= Date.now())
      throw new NanofaasError("VALIDATION_ERROR", "expiresAt must be in the future", {
        details: ["expiresAt: in the past"],
      });
    const made = await keys.create({
      name: body.name,
      scopes: body.scopes,
      tenant: body.tenant ?? DEFAULT_TENANT,
      expiresAt,
    });
    return c.json({ ...view(made.key), key: made.secret }, 201);
  });
  app.openapi(list, (c) => c.json(pageOf(keys.list().map(view), c.req.valid("query")), 200));
  app.openapi(get, (c) => {
    const key = keys.get(c.req.valid("param").id);
    if (!key) throw notFound(`API key '${c.req.valid("param").id}'`);
    return c.json(view(key), 200);
  });
  app.openapi(revoke, async (c) => {
    const id = c.req.valid("param").id;
    const done = await keys.revoke(id);
    if (done === false) throw notFound(`API key '${id}'`);
    if (done === "file")
      throw new NanofaasError(
        "CONFLICT",
        `API key '${id}' comes from NANOFAAS_API_KEYS_FILE: remove it there and restart`,
      );
    return c.body(null, 204);
  });
}
