/**
 * @module
 * The dead-letter queue's API (issue 17, SPEC-platform §1): list, get, delete, `:replay` (a new
 * async execution linked to the original) and `:purge` (one function or all, only with
 * `"confirm": true`). `:replay`/`:purge` are custom verbs like `:invoke` (see custom-verbs.ts).
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { NanofaasError, notFound, validation } from "../../domain/errors";
import type { DeadLetterQueue } from "../../dlq/dead-letter-queue";
import type { DeadLetterRow } from "../../store/state-store";
import type { Context } from "hono";
import { callerKey, callerOwns, localName, ownedPage } from "../caller-tenant";
import { internalPath } from "../custom-verbs";
import { errorResponse } from "../errors";
import { jsonResponse } from "../invoke-output";
import { CursorParam, LimitParam, listing, pageJson, pageOf, readLimit } from "../list-query";
import { errors, json } from "../openapi-helpers";
import { ErrorInfo, ExecutionState } from "../schemas";

const tags = ["dlq"];
const IdParam = z.object({ id: z.string().meta({ param: { name: "id", in: "path" } }) });

const DeadLetter = z
  .object({
    id: z.string(),
    function: z.string(),
    executionId: z.string().meta({ description: "The execution that failed" }),
    input: z.unknown().meta({ description: "Its input, byte for byte as it was sent" }),
    metadata: z.record(z.string(), z.string()).nullable(),
    error: ErrorInfo.nullable().meta({ description: "The last attempt's error" }),
    attempts: z.int(),
    failedAt: z.string().meta({ description: "When it failed for the last time (ISO-8601 UTC)" }),
    replayedAs: z.string().nullable().meta({ description: "The execution a replay started, else null" }),
  })
  .meta({ id: "DeadLetter", required: ["id", "function", "executionId", "input", "error", "attempts", "failedAt"] });

const Replayed = z
  .object({ executionId: z.string(), status: ExecutionState })
  .meta({ id: "DlqReplay", description: "The new execution (status `queued`)" });

const PurgeRequest = z
  .object({
    function: z.string().optional().meta({ description: "Only this function's entries; all when absent" }),
    confirm: z.literal(true, { error: "must be true (a purge cannot be undone)" }),
  })
  .meta({ id: "DlqPurgeRequest" });

const listDlq = createRoute({
  method: "get",
  path: "/v1/dlq",
  operationId: "listDeadLetters",
  tags,
  summary: "List dead-lettered executions, newest first",
  request: {
    query: z.object({
      function: z
        .string()
        .optional()
        .meta({ param: { name: "function", in: "query" }, description: "Only this function" }),
      limit: LimitParam,
      cursor: CursorParam,
    }),
  },
  responses: { 200: json(pageOf(DeadLetter, "DeadLetterPage"), "One page of entries"), ...errors(400, 503) },
});

const getDlq = createRoute({
  method: "get",
  path: "/v1/dlq/{id}",
  operationId: "getDeadLetter",
  tags,
  summary: "Get a dead-letter entry",
  request: { params: IdParam },
  responses: { 200: json(DeadLetter, "The entry"), ...errors(404, 503) },
});

const deleteDlq = createRoute({
  method: "delete",
  path: "/v1/dlq/{id}",
  operationId: "deleteDeadLetter",
  tags,
  summary: "Delete a dead-letter entry",
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...errors(404, 503) },
});

const replayDlq = createRoute({
  method: "post",
  path: internalPath("/v1/dlq/{id}:replay"),
  operationId: "replayDeadLetter",
  tags,
  summary: "Replay an entry as a new async execution",
  description:
    "Enqueues the entry's input and metadata again for the same function; the new execution's parentExecutionId is the failed one. 404 when the entry or its function no longer exists (the message says which); 409 CONFLICT when the entry was already replayed (replayedAs names the execution).",
  request: { params: IdParam },
  responses: { 202: json(Replayed, "Queued"), ...errors(404, 409, 429, 503) },
});

const purgeDlq = createRoute({
  method: "post",
  path: internalPath("/v1/dlq:purge"),
  operationId: "purgeDeadLetters",
  tags,
  summary: "Delete every entry, or every entry of one function",
  request: { body: { required: true, content: { "application/json": { schema: PurgeRequest } } } },
  responses: {
    200: json(z.object({ purged: z.int() }).meta({ id: "DlqPurged" }), "How many entries were deleted"),
    ...errors(400, 413, 415, 503),
  },
});

/** An entry as JSON; `input` is the stored JSON text spliced in, so it leaves byte for byte as it came in. */
export function deadLetterJson(row: DeadLetterRow): string {
  const text = JSON.stringify;
  return (
    `{"id":${text(row.id)},"function":${text(localName(row.function))},"executionId":${text(row.executionId)},` +
    `"input":${row.input},"metadata":${text(row.metadata)},"error":${text(row.error)},"attempts":${row.attempts},` +
    `"failedAt":"${new Date(row.failedAt).toISOString()}","replayedAs":${text(row.replayedAs)}}`
  );
}

/**
 * `/v1/dlq:purge` is routed as `/v1/dlq/~purge` (custom-verbs.ts), which `GET`/`DELETE /v1/dlq/{id}`
 * would also match: answer 405 like every other custom verb asked with the wrong method.
 */
const PURGE_SEGMENT = internalPath("/v1/dlq:purge").slice("/v1/dlq/".length);
const purgeOnlyByPost = (method: string) =>
  errorResponse(new NanofaasError("METHOD_NOT_ALLOWED", `Method ${method} is not allowed on /v1/dlq:purge; use POST`), {
    Allow: "POST",
  });

export function registerDlqRoutes(app: OpenAPIHono, dlq: DeadLetterQueue): void {
  app.openapi(listDlq, async (c) => {
    const q = c.req.valid("query");
    const fn = q.function === undefined ? undefined : callerKey(c, q.function);
    const limit = readLimit(q.limit);
    const page = await listing(() =>
      ownedPage(
        c,
        (row: DeadLetterRow) => row.function,
        (cursor) => dlq.list({ function: fn, limit, cursor }),
        q.cursor,
      ),
    );
    return jsonResponse(pageJson(page.items.map(deadLetterJson), page.nextCursor), 200) as never;
  });

  app.openapi(getDlq, async (c) => {
    const { id } = c.req.valid("param");
    if (id === PURGE_SEGMENT) return purgeOnlyByPost(c.req.method) as never;
    return jsonResponse(deadLetterJson(await ownedEntry(c, id)), 200) as never;
  });

  app.openapi(deleteDlq, async (c) => {
    const { id } = c.req.valid("param");
    if (id === PURGE_SEGMENT) return purgeOnlyByPost(c.req.method) as never;
    await ownedEntry(c, id);
    if (!(await dlq.delete(id))) throw notFound(`DLQ entry '${id}'`);
    return c.body(null, 204);
  });

  app.openapi(replayDlq, async (c) => {
    const { id } = c.req.valid("param");
    await ownedEntry(c, id);
    const outcome = await dlq.replay(id);
    return c.json({ executionId: outcome.executionId, status: outcome.status }, 202);
  });

  app.openapi(purgeDlq, async (c) => {
    const body = c.req.valid("json");
    if (body.function === "") throw validation("function must not be empty", ["function: must not be empty"]);
    if (body.function !== undefined) return c.json({ purged: await dlq.purge(callerKey(c, body.function)) }, 200);
    // Every entry of the caller's tenant: function by function (other tenants' entries stay).
    let purged = 0;
    for (const fn of (await dlq.sizes()).keys()) if (callerOwns(c, fn)) purged += await dlq.purge(fn);
    return c.json({ purged }, 200);
  });

  /** The entry, when the caller's tenant owns it; another tenant's is 404 like an unknown id. */
  async function ownedEntry(c: Context, id: string): Promise<DeadLetterRow> {
    const row = await dlq.get(id);
    if (!row || !callerOwns(c, row.function)) throw notFound(`DLQ entry '${id}'`);
    return row;
  }
}
