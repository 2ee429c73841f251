/**
 * @module
 * Cron schedules of a function (issue 21, SPEC-platform §5): list with the next five fire times,
 * `:trigger` (fire now), `:pause` and `:resume`. The schedules themselves are part of the function
 * spec; these routes manage their run state only.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { FunctionService } from "../../registry/function-service";
import type { CronScheduler } from "../../triggers/cron/cron-scheduler";
import { internalPath } from "../custom-verbs";
import { callerKey } from "../caller-tenant";
import { errors, json } from "../openapi-helpers";

const tags = ["triggers"];
const Params = z.object({
  name: z.string().meta({ param: { name: "name", in: "path" } }),
  id: z.string().meta({ param: { name: "id", in: "path" } }),
});
const NameParam = z.object({ name: z.string().meta({ param: { name: "name", in: "path" } }) });

export const ScheduleStatus = z
  .object({
    id: z.string(),
    cron: z.string(),
    timezone: z.string(),
    enabled: z.boolean().meta({ description: "Enabled in the spec and not paused" }),
    paused: z.boolean(),
    overlap: z.enum(["skip", "queue"]),
    nextRuns: z
      .array(z.string())
      .meta({ description: "The next five fire times (ISO-8601 UTC); empty when not enabled" }),
    lastRunAt: z.string().nullable().meta({ description: "When this schedule last started an execution" }),
  })
  .meta({ id: "ScheduleStatus" });

const listSchedules = createRoute({
  method: "get",
  path: "/v1/functions/{name}/schedules",
  operationId: "listSchedules",
  tags,
  summary: "A function's cron schedules with their next fire times",
  request: { params: NameParam },
  responses: {
    200: json(
      z.object({ items: z.array(ScheduleStatus), nextCursor: z.null() }).meta({ id: "SchedulePage" }),
      "Its schedules",
    ),
    ...errors(404),
  },
});

const verbRoute = (verb: "pause" | "resume", operationId: string, summary: string) =>
  createRoute({
    method: "post",
    path: internalPath(`/v1/functions/{name}/schedules/{id}:${verb}`),
    operationId,
    tags,
    summary,
    request: { params: Params },
    responses: { 200: json(ScheduleStatus, "The schedule now"), ...errors(404, 503) },
  });

const pauseSchedule = verbRoute("pause", "pauseSchedule", "Stop firing a schedule (kept across restarts)");
const resumeSchedule = verbRoute(
  "resume",
  "resumeSchedule",
  "Fire a paused schedule again, from now on (fires missed while paused are not caught up)",
);

const triggerSchedule = createRoute({
  method: "post",
  path: internalPath("/v1/functions/{name}/schedules/{id}:trigger"),
  operationId: "triggerSchedule",
  tags,
  summary: "Fire a schedule now (whatever its overlap policy or pause)",
  request: { params: Params },
  responses: {
    202: json(z.object({ executionId: z.string() }).meta({ id: "ScheduleTriggered" }), "The execution started"),
    ...errors(404, 429, 503),
  },
});

export function registerScheduleRoutes(app: OpenAPIHono, cron: CronScheduler, functions: FunctionService): void {
  app.openapi(listSchedules, (c) => {
    const name = callerKey(c, c.req.valid("param").name);
    functions.require(name);
    return c.json({ items: cron.list(name), nextCursor: null }, 200);
  });
  app.openapi(pauseSchedule, async (c) => {
    const { id } = c.req.valid("param");
    const name = callerKey(c, c.req.valid("param").name);
    functions.require(name);
    return c.json(await cron.pause(name, id), 200);
  });
  app.openapi(resumeSchedule, async (c) => {
    const { id } = c.req.valid("param");
    const name = callerKey(c, c.req.valid("param").name);
    functions.require(name);
    return c.json(await cron.resume(name, id), 200);
  });
  app.openapi(triggerSchedule, async (c) => {
    const { id } = c.req.valid("param");
    const name = callerKey(c, c.req.valid("param").name);
    functions.require(name);
    return c.json({ executionId: await cron.trigger(name, id) }, 202);
  });
}
