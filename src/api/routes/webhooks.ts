/**
 * @module
 * Webhooks (issue 21, SPEC-platform §5): management under `/v1/webhooks` (API-key scopes) and the
 * delivery route `POST /v1/webhooks/{id}`, authenticated by the webhook's own signature instead.
 * The delivery reads its raw body itself (the JSON gate lets it through, app.ts): the signature is
 * over those exact bytes. Body cap: NANOFAAS_MAX_BODY_BYTES, as every route.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { NanofaasError } from "../../domain/errors";
import type { WebhookService } from "../../triggers/webhooks/webhook-service";
import { internalPath } from "../custom-verbs";
import { jsonResponse, outcomeJson } from "../invoke-output";
import type { Context } from "hono";
import type { WebhookView } from "../../triggers/webhooks/webhook-service";
import { notFound } from "../../domain/errors";
import { callerKey, callerOwns, localName } from "../caller-tenant";
import { errors, json } from "../openapi-helpers";

const tags = ["triggers"];
/** `?function=`: only this function's (webhooks, triggers). */
export const FunctionFilter = z
  .string()
  .optional()
  .meta({ param: { name: "function", in: "query" }, description: "Only this function's" });
const IdParam = z.object({ id: z.string().meta({ param: { name: "id", in: "path" } }) });

const Filter = z
  .object({
    field: z.string().regex(/^(header:[A-Za-z0-9-]+|body:[^.\s][^\s]*)$/, "must be header:<name> or body:<dot.path>"),
    values: z.array(z.string()).min(1).max(100),
  })
  .meta({ id: "WebhookFilter" });

const WebhookRequest = z
  .object({
    id: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/, "must be 1–63 letters, digits, '.', '_' or '-'"),
    function: z.string().min(1),
    format: z.enum(["github", "nanofaas"]),
    mode: z.enum(["async", "sync"]).optional(),
    filters: z.array(Filter).max(20).optional(),
  })
  .meta({ id: "WebhookRequest" });

const Webhook = z
  .object({
    id: z.string(),
    function: z.string(),
    format: z.enum(["github", "nanofaas"]),
    mode: z.enum(["async", "sync"]),
    filters: z.array(Filter),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Webhook" });

const WebhookCreated = Webhook.extend({
  secret: z.string().meta({ description: "The shared secret; shown only here and by :rotate-secret" }),
}).meta({ id: "WebhookCreated" });

const route = createRoute;
const createWebhook = route({
  method: "post",
  path: "/v1/webhooks",
  operationId: "createWebhook",
  tags,
  summary: "Create a webhook bound to a function",
  request: { body: { required: true, content: { "application/json": { schema: WebhookRequest } } } },
  responses: { 201: json(WebhookCreated, "Created; keep the secret"), ...errors(400, 404, 409, 413, 415, 503) },
});
const listWebhooks = route({
  method: "get",
  path: "/v1/webhooks",
  operationId: "listWebhooks",
  tags,
  summary: "List webhooks (without secrets)",
  request: { query: z.object({ function: FunctionFilter }) },
  responses: {
    200: json(z.object({ items: z.array(Webhook), nextCursor: z.null() }).meta({ id: "WebhookPage" }), "Webhooks"),
  },
});
const getWebhook = route({
  method: "get",
  path: "/v1/webhooks/{id}",
  operationId: "getWebhook",
  tags,
  summary: "Get a webhook (without its secret)",
  request: { params: IdParam },
  responses: { 200: json(Webhook, "The webhook"), ...errors(404) },
});
const deleteWebhook = route({
  method: "delete",
  path: "/v1/webhooks/{id}",
  operationId: "deleteWebhook",
  tags,
  summary: "Delete a webhook",
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...errors(404, 503) },
});
const rotateSecret = route({
  method: "post",
  path: internalPath("/v1/webhooks/{id}:rotate-secret"),
  operationId: "rotateWebhookSecret",
  tags,
  summary: "Issue a new secret; the old one stays valid for NANOFAAS_WEBHOOK_SECRET_OVERLAP (default 24h)",
  request: { params: IdParam },
  responses: {
    200: json(z.object({ secret: z.string() }).meta({ id: "WebhookSecret" }), "The new secret"),
    ...errors(404, 503),
  },
});
const deliver = route({
  method: "post",
  path: "/v1/webhooks/{id}",
  operationId: "deliverWebhook",
  tags,
  summary: "Deliver an event (authenticated by the webhook's signature, not an API key)",
  description:
    "github: X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>. nanofaas: X-Nanofaas-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<raw body>'>, within 5 minutes. The JSON body becomes the input. 202 {executionId, status} (async) or 200 the invoke result (sync); a delivery the filters exclude → 202 {skipped: true}.",
  request: {
    params: IdParam,
    body: { required: true, content: { "application/json": { schema: z.unknown() } } },
  },
  responses: {
    200: json(z.unknown(), "sync: the invocation result"),
    202: json(
      z
        .object({ executionId: z.string().optional(), status: z.string().optional(), skipped: z.boolean().optional() })
        .meta({ id: "WebhookDelivered" }),
      "Accepted (or skipped by a filter)",
    ),
    ...errors(400, 401, 404, 413, 429, 503),
  },
});

async function rawBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  const tooLarge = () => new NanofaasError("PAYLOAD_TOO_LARGE", `Request body exceeds the limit of ${maxBytes} bytes`);
  if (declared > maxBytes) throw tooLarge();
  const body = new Uint8Array(await request.arrayBuffer());
  if (body.byteLength > maxBytes) throw tooLarge();
  return body;
}

export function registerWebhookRoutes(app: OpenAPIHono, webhooks: WebhookService, maxBodyBytes: number): void {
  // A webhook belongs to the tenant of its function; another tenant's is 404 (api/caller-tenant.ts).
  const local = (view: WebhookView) => ({ ...view, function: localName(view.function) });
  const owned = async (c: Context, id: string) => {
    const view = await webhooks.get(id);
    if (!callerOwns(c, view.function)) throw notFound(`Webhook '${id}'`);
    return view;
  };
  app.openapi(createWebhook, async (c) => {
    const body = c.req.valid("json");
    const created = await webhooks.create({ ...body, function: callerKey(c, body.function) });
    return c.json({ ...local(created.view), secret: created.secret }, 201);
  });
  app.openapi(listWebhooks, async (c) => {
    const fn = c.req.valid("query").function;
    const views = await webhooks.list(fn === undefined ? undefined : callerKey(c, fn));
    return c.json({ items: views.filter((v) => callerOwns(c, v.function)).map(local), nextCursor: null }, 200);
  });
  app.openapi(getWebhook, async (c) => c.json(local(await owned(c, c.req.valid("param").id)), 200));
  app.openapi(deleteWebhook, async (c) => {
    await owned(c, c.req.valid("param").id);
    await webhooks.delete(c.req.valid("param").id);
    return c.body(null, 204);
  });
  app.openapi(rotateSecret, async (c) => {
    await owned(c, c.req.valid("param").id);
    return c.json({ secret: await webhooks.rotateSecret(c.req.valid("param").id) }, 200);
  });
  // No validator on the body: it must stay the raw bytes the signature covers.
  app.post("/v1/webhooks/:id", async (c) => {
    const body = await rawBody(c.req.raw, maxBodyBytes);
    const result = await webhooks.deliver(c.req.param("id"), { headers: (name) => c.req.header(name), body });
    if ("skipped" in result) return c.json({ skipped: true }, 202);
    return jsonResponse(outcomeJson(result.outcome), result.mode === "sync" ? 200 : 202);
  });
  app.openAPIRegistry.registerPath(deliver);
}
