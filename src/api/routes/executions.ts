/**
 * @module
 * `GET /v1/executions`: execution history (issue 17, SPEC-platform §1), newest first, filtered by
 * function, status and a createdAt window, paged by cursor. Items are the execution view of
 * `GET /v1/executions/{id}`, read from the state store (so they survive a restart).
 */
import { callerKey, localName, ownedPage } from "../caller-tenant";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { EXECUTION_STATES } from "../../contracts/invocation";
import { viewOfRow } from "../../execution/execution-row";
import type { ExecutionRow, ExecutionRows } from "../../store/state-store";
import { jsonResponse, viewJson } from "../invoke-output";
import {
  CursorParam,
  LimitParam,
  listing,
  pageJson,
  pageOf,
  parseTimestamp,
  readLimit,
  TimestampParam,
} from "../list-query";
import { errors, json } from "../openapi-helpers";
import { ExecutionStatus } from "../schemas";

/** Where history is read from: the state store's executions. */
export type ExecutionHistory = Pick<ExecutionRows, "list" | "flush">;

const ListQuery = z.object({
  function: z
    .string()
    .optional()
    .meta({ param: { name: "function", in: "query" }, description: "Only this function" }),
  root: z
    .string()
    .max(200)
    .optional()
    .meta({
      param: { name: "root", in: "query" },
      description:
        "A whole chain: the execution with this id and every one whose rootExecutionId it is (function chains, DLQ replays)",
    }),
  status: z
    .enum(EXECUTION_STATES)
    .optional()
    .meta({ param: { name: "status", in: "query" }, description: "Only executions in this state" }),
  since: TimestampParam("since", "Created at or after this time (ISO-8601)"),
  until: TimestampParam("until", "Created at or before this time (ISO-8601)"),
  limit: LimitParam,
  cursor: CursorParam,
});

const listExecutions = createRoute({
  method: "get",
  path: "/v1/executions",
  operationId: "listExecutions",
  tags: ["executions"],
  summary: "List executions, newest first",
  request: { query: ListQuery },
  responses: { 200: json(pageOf(ExecutionStatus, "ExecutionPage"), "One page of executions"), ...errors(400, 503) },
});

export function registerExecutionListRoutes(app: OpenAPIHono, history: ExecutionHistory): void {
  app.openapi(listExecutions, async (c) => {
    const q = c.req.valid("query");
    // Read your writes: state changes recorded write-behind (a sync call that just ended) are
    // committed first, so a list right after an invocation shows it (at most one batch delay).
    await history.flush();
    const query = {
      function: q.function === undefined ? undefined : callerKey(c, q.function),
      root: q.root,
      status: q.status,
      since: q.since === undefined ? undefined : parseTimestamp(q.since),
      until: q.until === undefined ? undefined : parseTimestamp(q.until),
      limit: readLimit(q.limit),
    };
    const page = await listing(() =>
      ownedPage(
        c,
        (row: ExecutionRow) => row.function,
        (cursor) => history.list({ ...query, cursor }),
        q.cursor,
      ),
    );
    return jsonResponse(
      pageJson(
        page.items.map((row) => viewJson({ ...viewOfRow(row), function: localName(row.function) })),
        page.nextCursor,
      ),
      200,
    ) as never;
  });
}
