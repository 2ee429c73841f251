/**
 * @module
 * `GET /v1/stats/functions` (issue 24): the recent figures of every function — in flight, queue
 * depths, executions ended, error rate, p50/p99 over the last minutes — as JSON, for the web
 * console's live function list (so the browser never parses Prometheus text). Read-only; computed
 * from the meters the metrics already keep (observability/function-stats.ts).
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { FunctionStats } from "../../observability/function-stats";
import { callerOwns, localName } from "../caller-tenant";
import { json } from "../openapi-helpers";

const FunctionStatsItem = z
  .object({
    function: z.string(),
    inFlight: z.int().meta({ description: "Executions running now (occupied concurrency slots)" }),
    concurrencyLimit: z.int().meta({ description: "The current concurrency slot limit" }),
    queueDepth: z.int().meta({ description: "Items waiting in the async lane" }),
    syncQueueDepth: z.int().meta({ description: "Items waiting in the sync lane" }),
    windowSeconds: z.int().meta({ description: "How far back the figures below look (since registration at first)" }),
    completed: z.int().meta({ description: "Executions that ended (success or error) in the window" }),
    errors: z.int().meta({ description: "Executions that ended in error in the window" }),
    errorRate: z.number().meta({ description: "errors / completed (0 when nothing ended)" }),
    p50Ms: z.number().nullable().meta({ description: "Median final-attempt duration in the window, ms" }),
    p99Ms: z.number().nullable().meta({ description: "99th percentile final-attempt duration in the window, ms" }),
  })
  .meta({ id: "FunctionStats" }) satisfies z.ZodType<FunctionStats>;

const listFunctionStats = createRoute({
  method: "get",
  path: "/v1/stats/functions",
  operationId: "listFunctionStats",
  tags: ["functions"],
  summary: "Recent figures of every function (in flight, queues, error rate, p50/p99)",
  responses: {
    200: json(z.object({ items: z.array(FunctionStatsItem) }).meta({ id: "FunctionStatsList" }), "One per function"),
  },
});

export function registerFunctionStatsRoutes(app: OpenAPIHono, read: () => FunctionStats[]): void {
  app.openapi(listFunctionStats, (c) => {
    const items = read()
      .filter((s) => callerOwns(c, s.function))
      .map((s) => ({ ...s, function: localName(s.function) }));
    return c.json({ items }, 200);
  });
}
