/**
 * @module
 * `GET /v1/audit` (SPEC-platform §2, `admin`): the audit log, newest first, filtered by time,
 * actor, action and tenant, paged with an opaque cursor.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { InvalidCursorError, type AuditRows } from "../../store/state-store";
import { errors, json } from "../openapi-helpers";
import { badCursor, DEFAULT_PAGE_LIMIT, PageQuery } from "./page";

const AuditQuery = PageQuery.extend({
  since: z.iso.datetime({ offset: true }).optional().meta({ description: "ISO-8601, inclusive" }),
  actor: z.string().optional().meta({ description: "e.g. apikey:nfk_3kQ9x2Ab or oidc:<subject>" }),
  action: z.string().optional().meta({ description: "e.g. function.create, auth.denied" }),
  tenant: z.string().optional(),
});

const AuditEvent = z
  .object({
    time: z.string(),
    actor: z.string(),
    tenant: z.string(),
    action: z.string(),
    target: z.string().nullable(),
    outcome: z.enum(["success", "failure", "denied"]),
    status: z.number().int(),
    requestId: z.string(),
    source: z.string(),
  })
  .meta({ id: "AuditEvent" });

const listAudit = createRoute({
  method: "get",
  path: "/v1/audit",
  tags: ["audit"],
  operationId: "listAuditEvents",
  summary: "The audit log: mutating and denied calls, newest first",
  request: { query: AuditQuery },
  responses: {
    200: json(z.object({ items: z.array(AuditEvent), nextCursor: z.string().nullable() }), "Events"),
    ...errors(400),
  },
});

export function registerAuditRoutes(app: OpenAPIHono, rows: AuditRows): void {
  app.openapi(listAudit, async (c) => {
    const q = c.req.valid("query");
    await rows.flush();
    let page: Awaited<ReturnType<AuditRows["list"]>>;
    try {
      page = await rows.list({
        since: q.since === undefined ? undefined : Date.parse(q.since),
        actor: q.actor,
        action: q.action,
        tenant: q.tenant,
        limit: q.limit ?? DEFAULT_PAGE_LIMIT,
        cursor: q.cursor,
      });
    } catch (error) {
      if (error instanceof InvalidCursorError) throw badCursor();
      throw error;
    }
    const items = page.items.map(({ id: _id, time, ...rest }) => ({ time: new Date(time).toISOString(), ...rest }));
    return c.json({ items: items as z.infer<typeof AuditEvent>[], nextCursor: page.nextCursor }, 200);
  });
}
