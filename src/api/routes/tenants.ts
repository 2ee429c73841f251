/**
 * @module
 * `/v1/tenants` (SPEC-platform §3, issue 19): create, list, get, update (the quotas) and delete
 * tenants. `admin` only (src/auth/route-scopes.ts). Delete answers 409 while the tenant owns
 * functions unless `?force=true`, which deletes them with it; `default` always exists.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { NanofaasError, notFound } from "../../domain/errors";
import type { Tenant, TenantRegistry } from "../../tenants/tenant-registry";
import { TenantName, TenantQuotas, TenantSpec } from "../../tenants/tenant-spec";
import { errors, json } from "../openapi-helpers";
import { pageOf, PageQuery } from "./page";

const tags = ["tenants"];
const NameParam = z.object({ name: z.string().meta({ param: { name: "name", in: "path" } }) });
const UpdateTenant = z
  .object({
    name: TenantName.optional().meta({ description: "When given, must be the tenant of the path" }),
    quotas: TenantQuotas.optional(),
  })
  .strict()
  .meta({ id: "UpdateTenant", description: "Replaces the quotas: an absent quota is no limit" });

const TenantView = z
  .object({
    name: z.string(),
    quotas: TenantQuotas,
    source: z.enum(["api", "file", "builtin"]).meta({
      description: "`file`: from NANOFAAS_TENANTS_FILE (changed there); `builtin`: `default` before it had quotas",
    }),
    functions: z.number().int().meta({ description: "Functions it owns" }),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: "Tenant" });

const create = createRoute({
  method: "post",
  path: "/v1/tenants",
  tags,
  operationId: "createTenant",
  summary: "Create a tenant",
  request: { body: { required: true, content: { "application/json": { schema: TenantSpec } } } },
  responses: { 201: json(TenantView, "The tenant"), ...errors(400, 409, 413, 415) },
});
const list = createRoute({
  method: "get",
  path: "/v1/tenants",
  tags,
  operationId: "listTenants",
  summary: "List tenants (by name)",
  request: { query: PageQuery },
  responses: {
    200: json(z.object({ items: z.array(TenantView), nextCursor: z.string().nullable() }), "By name"),
    ...errors(400),
  },
});
const get = createRoute({
  method: "get",
  path: "/v1/tenants/{name}",
  tags,
  operationId: "getTenant",
  summary: "Get a tenant",
  request: { params: NameParam },
  responses: { 200: json(TenantView, "The tenant"), ...errors(404) },
});
const update = createRoute({
  method: "put",
  path: "/v1/tenants/{name}",
  tags,
  operationId: "updateTenant",
  summary: "Replace a tenant's quotas",
  request: {
    params: NameParam,
    body: { required: true, content: { "application/json": { schema: UpdateTenant } } },
  },
  responses: { 200: json(TenantView, "The tenant"), ...errors(400, 404, 409, 413, 415) },
});
const remove = createRoute({
  method: "delete",
  path: "/v1/tenants/{name}",
  tags,
  operationId: "deleteTenant",
  summary: "Delete a tenant (409 while it owns functions, unless force=true)",
  request: {
    params: NameParam,
    query: z.object({
      force: z.enum(["true", "false"]).optional().meta({ description: "true: delete the tenant's functions with it" }),
    }),
  },
  responses: { 204: { description: "Deleted" }, ...errors(400, 404, 409) },
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function registerTenantRoutes(
  app: OpenAPIHono,
  tenants: TenantRegistry,
  functionCount: (tenant: string) => number,
): void {
  const view = (t: Tenant) => ({
    name: t.name,
    quotas: t.quotas,
    source: t.source,
    functions: functionCount(t.name),
    createdAt: iso(t.createdAt),
    updatedAt: iso(t.updatedAt),
  });
  const known = (name: string) => {
    const tenant = tenants.get(name);
    if (!tenant) throw notFound(`Tenant '${name}'`);
    return tenant;
  };
  app.openapi(create, async (c) => c.json(view(await tenants.create(c.req.valid("json"))), 201));
  app.openapi(list, (c) => c.json(pageOf(tenants.list().map(view), c.req.valid("query")), 200));
  app.openapi(get, (c) => c.json(view(known(c.req.valid("param").name)), 200));
  app.openapi(update, async (c) => {
    const name = c.req.valid("param").name;
    const body = c.req.valid("json");
    if (body.name !== undefined && body.name !== name) {
      throw new NanofaasError("VALIDATION_ERROR", `name '${body.name}' is not the tenant of the path ('${name}')`, {
        details: ["name: must match the path"],
      });
    }
    return c.json(view(await tenants.update(name, body.quotas ?? {})), 200);
  });
  app.openapi(remove, async (c) => {
    await tenants.delete(c.req.valid("param").name, c.req.valid("query").force === "true");
    return c.body(null, 204);
  });
}
