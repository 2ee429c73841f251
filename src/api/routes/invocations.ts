/**
 * @module
 * Invocation endpoints (reference §1.7–§1.10): sync `:invoke`, async `:enqueue`, execution lookup
 * and the runtime callback `:complete`. Routes are declared on the internal `/~verb` paths (see
 * custom-verbs.ts) and published under the reference's `:verb` paths.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { z } from "zod";
import { Header } from "../../contracts/headers";
import { MAX_TIMEOUT_MS } from "../../contracts/invocation";
import { notFound } from "../../domain/errors";
import type { Invoker } from "../../execution/invoker";
import { internalPath } from "../custom-verbs";
import { parseInvokeBody, parseTimeoutMs, rawMember, readInvokeOptions } from "../invoke-input";
import { jsonResponse, outcomeJson, viewJson } from "../invoke-output";
import { waitBeyondIdleTimeout } from "../listener";
import { callerKey, callerOwns, localName } from "../caller-tenant";
import { errors, json } from "../openapi-helpers";
import { ExecutionStatus, InvocationRequest, InvocationResponse, InvocationResult } from "../schemas";

const tags = ["invocations"];
const NameParam = z.object({ name: z.string().meta({ param: { name: "name", in: "path" }, example: "word-stats" }) });
const IdParam = z.object({ executionId: z.string().meta({ param: { name: "executionId", in: "path" } }) });

const optionalText = z.string().optional();
const InvokeHeaders = z.object({
  "idempotency-key": optionalText.meta({ description: "Deduplicates invocations of this function for 5 minutes" }),
  "x-trace-id": optionalText.meta({ description: "Forwarded to the pod on every attempt" }),
  traceparent: optionalText.meta({ description: "W3C trace context, forwarded to the pod" }),
  tracestate: optionalText,
  // Checked by invoke-input's rule (digits only); documented as the integer it is.
  "x-function-version": optionalText.meta({
    type: "integer",
    minimum: 1,
    description:
      "Runs this call on one version: the active one or one in the traffic split (404 otherwise). Without it, the split's weights choose",
  }),
});
const SyncHeaders = InvokeHeaders.extend({
  // Checked by invoke-input's rule (digits only); documented as the integer it is.
  "x-timeout-ms": z
    .string()
    .optional()
    .superRefine((raw, ctx) => {
      const parsed = raw === undefined ? undefined : parseTimeoutMs(raw);
      if (parsed && "problem" in parsed) ctx.addIssue({ code: "custom", message: parsed.problem });
    })
    .meta({
      type: "integer",
      minimum: 1,
      maximum: MAX_TIMEOUT_MS,
      description: "How long this caller waits, in ms (default: the function's timeoutMs); ASCII digits only",
    }),
});
const body = { required: true, content: { "application/json": { schema: InvocationRequest } } } as const;

const invoke = createRoute({
  method: "post",
  path: internalPath("/v1/functions/{name}:invoke"),
  operationId: "invokeFunction",
  tags,
  summary: "Invoke a function and wait for its result",
  description: "Answers 200 for success, error and timeout outcomes alike; the outcome is in `status`.",
  request: { params: NameParam, headers: SyncHeaders, body },
  responses: {
    200: {
      ...json(InvocationResponse, "The outcome"),
      headers: z.object({ "X-Execution-Id": z.string() }),
    },
    ...errors(400, 404, 413, 415, 429, 503),
  },
});

const enqueue = createRoute({
  method: "post",
  path: internalPath("/v1/functions/{name}:enqueue"),
  operationId: "enqueueInvocation",
  tags,
  summary: "Queue an invocation",
  request: { params: NameParam, headers: InvokeHeaders, body },
  responses: { 202: json(InvocationResponse, "Queued (status `queued`)"), ...errors(400, 404, 413, 415, 429, 503) },
});

const getExecution = createRoute({
  method: "get",
  path: "/v1/executions/{executionId}",
  operationId: "getExecution",
  tags,
  summary: "Get an execution",
  request: { params: IdParam },
  responses: { 200: json(ExecutionStatus, "The execution"), ...errors(404) },
});

const complete = createRoute({
  method: "post",
  path: internalPath("/v1/internal/executions/{executionId}:complete"),
  operationId: "completeExecution",
  tags: ["internal"],
  summary: "Runtime callback: report an attempt's result",
  description:
    "204 when applied or ignored: unknown ids, finished executions, an earlier X-Dispatch-Attempt, and an HTTP attempt in flight (its response decides) are ignored. 409 CONFLICT for an attempt that was never dispatched (queued or future); nothing changes.",
  request: {
    params: IdParam,
    headers: z.object({ "x-dispatch-attempt": optionalText.meta({ description: "Attempt this result belongs to" }) }),
    body: { required: true, content: { "application/json": { schema: InvocationResult } } },
  },
  responses: { 204: { description: "Applied or ignored" }, ...errors(400, 409, 413, 415) },
});

/** Positive integer, else undefined (reference §1.10: blank, non-numeric or ≤ 0 means absent). */
function parseAttempt(raw: string | undefined): number | undefined {
  if (!raw || !/^\d+$/.test(raw.trim())) return undefined;
  const n = Number(raw.trim());
  return n > 0 && Number.isSafeInteger(n) ? n : undefined;
}

/** The callback body with `output` kept as the runtime's text (checked by the body gate and the route schema first). */
async function callbackResult(
  c: Context,
  valid: { success: boolean; error?: { code: string; message: string } | null },
) {
  const output = rawMember(await c.req.text(), (await c.req.json()) as object, "output");
  return { success: valid.success, error: valid.error, output };
}

export function registerInvocationRoutes(app: OpenAPIHono, invoker: Invoker, maxJsonDepth: number): void {
  app.openapi(invoke, async (c) => {
    const request = parseInvokeBody(await c.req.text(), maxJsonDepth);
    waitBeyondIdleTimeout(c.env, c.req.raw);
    const outcome = await invoker.invoke(
      callerKey(c, c.req.valid("param").name),
      request,
      readInvokeOptions(c.req.raw.headers, "invoke"),
    );
    return jsonResponse(outcomeJson(outcome), 200, { [Header.executionId]: outcome.executionId }) as never;
  });

  app.openapi(enqueue, async (c) => {
    const request = parseInvokeBody(await c.req.text(), maxJsonDepth);
    const outcome = await invoker.enqueue(
      callerKey(c, c.req.valid("param").name),
      request,
      readInvokeOptions(c.req.raw.headers, "enqueue"),
    );
    return jsonResponse(outcomeJson(outcome), 202) as never;
  });

  app.openapi(getExecution, async (c) => {
    const id = c.req.valid("param").executionId;
    const view = await invoker.findExecution(id);
    // Another tenant's execution is not found, exactly like an unknown id.
    if (!view || !callerOwns(c, view.function)) throw notFound(`Execution '${id}'`);
    return jsonResponse(viewJson({ ...view, function: localName(view.function) }), 200) as never;
  });

  app.openapi(complete, async (c) => {
    const attempt = parseAttempt(c.req.valid("header")["x-dispatch-attempt"]);
    const result = await callbackResult(c, c.req.valid("json"));
    invoker.complete(c.req.valid("param").executionId, result, attempt);
    return c.body(null, 204);
  });
}
