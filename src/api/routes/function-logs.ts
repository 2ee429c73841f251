/**
 * @module
 * `GET /v1/functions/{name}/logs` (SPEC-platform §8, docs/logs.md): the output lines of a
 * function's replicas, from the deployment backend's log source. NDJSON of the lines held now, or,
 * with `follow=true`, Server-Sent Events: the held lines, then each new one as it is printed, until
 * the client leaves. Filters: `since` (a duration back from now, or an ISO-8601 time), `tail`
 * (the last N held lines), `executionId`, `replica`.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { validation } from "../../domain/errors";
import { parseDurationMs } from "../../lib/duration";
import type { FunctionLogSource, LogQuery } from "../../logs/log-source";
import type { FunctionService } from "../../registry/function-service";
import { callerKey } from "../caller-tenant";
import { errors } from "../openapi-helpers";
import { ndjsonResponse, sseResponse } from "../log-stream";

const LogLineSchema = z
  .object({
    time: z.string().meta({ description: "ISO-8601 UTC" }),
    function: z.string(),
    replica: z.string().meta({ description: "Replica index (process, docker) or pod name (k8s)" }),
    stream: z.enum(["stdout", "stderr"]),
    executionId: z.string().optional(),
    traceId: z.string().optional(),
    message: z.string(),
  })
  .meta({ id: "LogLine" });

const LogsQuery = z.object({
  follow: z
    .enum(["true", "false"])
    .optional()
    .meta({ description: "true: Server-Sent Events (event `log`), held lines then new ones" }),
  since: z.string().optional().meta({ description: "A duration back from now (`10m`, `1h`) or an ISO-8601 time" }),
  tail: z.coerce.number().int().min(0).max(100_000).optional().meta({ description: "Only the last N held lines" }),
  executionId: z.string().min(1).max(200).optional(),
  replica: z.string().min(1).max(253).optional(),
});

const getFunctionLogs = createRoute({
  method: "get",
  path: "/v1/functions/{name}/logs",
  operationId: "getFunctionLogs",
  tags: ["functions"],
  summary: "A function's output lines (NDJSON, or Server-Sent Events when following)",
  request: { params: z.object({ name: z.string().meta({ param: { name: "name", in: "path" } }) }), query: LogsQuery },
  responses: {
    200: {
      description: "One LogLine per line (NDJSON), or `event: log` / `data: <LogLine>` events (follow=true)",
      content: {
        "application/x-ndjson": { schema: LogLineSchema },
        "text/event-stream": { schema: z.string() },
      },
    },
    ...errors(400, 404),
  },
});

/** `since` as epoch ms: a duration back from `now`, or an absolute time. */
export function sinceMs(since: string, now: number): number {
  const duration = parseDurationMs(since);
  if (duration !== undefined) return now - duration;
  const time = /^\d{4}-\d\d-\d\dT/.test(since) ? Date.parse(since) : Number.NaN;
  if (Number.isNaN(time)) {
    throw validation("since: not a duration (10m, 1h) nor an ISO-8601 time", [
      "since: a duration (10m, 1h) or an ISO-8601 time",
    ]);
  }
  return time;
}

/** Lines of functions whose backend collects none: none, and none ever arrive. */
const NO_LOGS: FunctionLogSource = {
  read: () => Promise.resolve([]),
  follow: (_name, _query, _onLine, signal) =>
    new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true })),
};

export function registerFunctionLogRoutes(
  app: OpenAPIHono,
  functions: FunctionService,
  source: FunctionLogSource | undefined,
): void {
  app.openapi(getFunctionLogs, (c) => {
    const name = callerKey(c, c.req.valid("param").name);
    const fn = functions.require(name);
    const { follow, since, tail, executionId, replica } = c.req.valid("query");
    const query: LogQuery = { tail, executionId, replica };
    if (since !== undefined) query.sinceMs = sinceMs(since, Date.now());
    // Only DEPLOYMENT functions run on the backend; the others' output is not ours to collect.
    const from = fn.effectiveExecutionMode === "DEPLOYMENT" && source ? source : NO_LOGS;
    const response =
      follow === "true" ? sseResponse(from, name, query, c.req.raw.signal) : ndjsonResponse(from, name, query);
    return response as never;
  });
}
