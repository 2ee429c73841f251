/**
 * @module
 * `GET /v1/triggers` (issue 21): every cron schedule, webhook and message-queue source with its
 * state, last and next fire and last error — one place to see what starts functions besides HTTP.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { TriggerCatalog } from "../../triggers/trigger-catalog";
import { callerKey, callerOwns, localName } from "../caller-tenant";
import { errors, json } from "../openapi-helpers";
import { TriggerStatus, TriggerType } from "../trigger-schema";
import { FunctionFilter } from "./webhooks";

const listTriggers = createRoute({
  method: "get",
  path: "/v1/triggers",
  operationId: "listTriggers",
  tags: ["triggers"],
  summary: "List triggers (cron, webhooks, message queues) with their state",
  request: {
    query: z.object({
      function: FunctionFilter,
      type: TriggerType.optional().meta({ param: { name: "type", in: "query" }, description: "Only this type" }),
    }),
  },
  responses: {
    200: json(
      z.object({ items: z.array(TriggerStatus), nextCursor: z.null() }).meta({ id: "TriggerPage" }),
      "Triggers, by function, type and id",
    ),
    ...errors(400, 404),
  },
});

export function registerTriggerRoutes(app: OpenAPIHono, catalog: TriggerCatalog): void {
  app.openapi(listTriggers, async (c) => {
    const query = c.req.valid("query");
    const fn = query.function === undefined ? undefined : callerKey(c, query.function);
    const items = (await catalog.list({ ...query, function: fn }))
      .filter((t) => callerOwns(c, t.function))
      .map((t) => ({ ...t, function: localName(t.function) }));
    return c.json({ items, nextCursor: null }, 200);
  });
}
