/**
 * @module
 * Workflows (issue 23, SPEC-platform §7): definitions under `/v1/workflows` (`workflows:write`),
 * runs started by `:run` (202, async) or `:invoke` (200, waits), and `/v1/workflow-runs` to follow,
 * list and cancel them. The engine behind them is workflows/workflow-service.ts.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { Context } from "hono";
import { NanofaasError } from "../../domain/errors";
import { DEFAULT_TENANT } from "../../tenants/tenant-spec";
import { callerTenant } from "../caller-tenant";
import type { WorkflowDefinition } from "../../workflows/definition";
import { runView, type WorkflowService } from "../../workflows/workflow-service";
import { internalPath } from "../custom-verbs";
import { waitBeyondIdleTimeout } from "../listener";
import { CursorParam, LimitParam, listing, pageOf, readLimit } from "../list-query";
import { errors, json } from "../openapi-helpers";
import { RUN_STATUS, RunRequest, Workflow, WorkflowRequest, WorkflowRun } from "./workflow-schemas";

const tags = ["workflows"];
const NameParam = z.object({ name: z.string().meta({ param: { name: "name", in: "path" } }) });
const IdParam = z.object({ id: z.string().meta({ param: { name: "id", in: "path" } }) });
const body = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { "application/json": { schema } } },
});

const createWorkflow = createRoute({
  method: "post",
  path: "/v1/workflows",
  operationId: "createWorkflow",
  tags,
  summary: "Create a workflow (a DAG of function steps); version 1",
  request: body(WorkflowRequest),
  responses: { 201: json(Workflow, "Created"), ...errors(400, 409, 413, 415, 503) },
});
const listWorkflows = createRoute({
  method: "get",
  path: "/v1/workflows",
  operationId: "listWorkflows",
  tags,
  summary: "List workflows",
  responses: { 200: json(z.object({ items: z.array(Workflow), nextCursor: z.null() }), "Workflows") },
});
const getWorkflow = createRoute({
  method: "get",
  path: "/v1/workflows/{name}",
  operationId: "getWorkflow",
  tags,
  summary: "Get a workflow definition",
  request: { params: NameParam },
  responses: { 200: json(Workflow, "The workflow"), ...errors(404) },
});
const replaceWorkflow = createRoute({
  method: "put",
  path: "/v1/workflows/{name}",
  operationId: "replaceWorkflow",
  tags,
  summary: "Replace a workflow definition (version + 1; running runs keep theirs)",
  request: { params: NameParam, ...body(WorkflowRequest) },
  responses: { 200: json(Workflow, "Replaced"), ...errors(400, 404, 413, 415, 503) },
});
const deleteWorkflow = createRoute({
  method: "delete",
  path: "/v1/workflows/{name}",
  operationId: "deleteWorkflow",
  tags,
  summary: "Delete a workflow (its runs are kept)",
  request: { params: NameParam },
  responses: { 204: { description: "Deleted" }, ...errors(404, 503) },
});
const runWorkflow = createRoute({
  method: "post",
  path: internalPath("/v1/workflows/{name}:run"),
  operationId: "runWorkflow",
  tags,
  summary: "Start a run (async): 202 {runId, status: running}",
  request: { params: NameParam, ...body(RunRequest) },
  responses: {
    202: json(
      z.object({ runId: z.string(), status: z.literal("running") }).meta({ id: "WorkflowRunStarted" }),
      "Started",
    ),
    ...errors(400, 404, 413, 415, 503),
  },
});
const invokeWorkflow = createRoute({
  method: "post",
  path: internalPath("/v1/workflows/{name}:invoke"),
  operationId: "invokeWorkflow",
  tags,
  summary: "Run and wait (up to the workflow's timeoutMs, else 60 s; then status is still running)",
  request: { params: NameParam, ...body(RunRequest) },
  responses: {
    200: json(
      z
        .object({ runId: z.string(), status: z.enum(RUN_STATUS), output: z.unknown(), error: z.unknown() })
        .meta({ id: "WorkflowRunResult" }),
      "The run's end (or status running when the wait ran out)",
    ),
    ...errors(400, 404, 413, 415, 503),
  },
});
const listRuns = createRoute({
  method: "get",
  path: "/v1/workflow-runs",
  operationId: "listWorkflowRuns",
  tags,
  summary: "List workflow runs, newest first",
  request: {
    query: z.object({
      workflow: z
        .string()
        .optional()
        .meta({ param: { name: "workflow", in: "query" }, description: "Only this workflow's" }),
      status: z
        .enum(RUN_STATUS)
        .optional()
        .meta({ param: { name: "status", in: "query" } }),
      limit: LimitParam,
      cursor: CursorParam,
    }),
  },
  responses: { 200: json(pageOf(WorkflowRun, "WorkflowRunPage"), "Runs"), ...errors(400) },
});
const getRun = createRoute({
  method: "get",
  path: "/v1/workflow-runs/{id}",
  operationId: "getWorkflowRun",
  tags,
  summary: "A run with each step's state, attempts, times, input and output",
  request: { params: IdParam },
  responses: { 200: json(WorkflowRun, "The run"), ...errors(404) },
});
const cancelRun = createRoute({
  method: "post",
  path: internalPath("/v1/workflow-runs/{id}:cancel"),
  operationId: "cancelWorkflowRun",
  tags,
  summary: "Cancel a running run (steps not finished are cancelled); 409 when it already ended",
  request: { params: IdParam },
  responses: { 200: json(WorkflowRun, "The cancelled run"), ...errors(404, 409, 503) },
});

export function registerWorkflowRoutes(app: OpenAPIHono, workflows: WorkflowService): void {
  // Workflow names and their steps' function names are not resolved per tenant yet (issue 19):
  // another tenant could otherwise see the default tenant's workflows and run its functions.
  const defaultTenantOnly = async (c: Context, next: () => Promise<void>) => {
    if (callerTenant(c) !== DEFAULT_TENANT) {
      throw new NanofaasError(
        "NOT_IMPLEMENTED",
        `Workflows are available in tenant '${DEFAULT_TENANT}' only for now (docs/tenants.md); this request acts in tenant '${callerTenant(c)}'`,
      );
    }
    await next();
  };
  app.use("/v1/workflows", defaultTenantOnly);
  app.use("/v1/workflows/*", defaultTenantOnly);
  app.use("/v1/workflow-runs", defaultTenantOnly);
  app.use("/v1/workflow-runs/*", defaultTenantOnly);
  app.openapi(createWorkflow, async (c) =>
    c.json(await workflows.create(c.req.valid("json") as WorkflowDefinition), 201),
  );
  app.openapi(listWorkflows, async (c) => c.json({ items: await workflows.list(), nextCursor: null }, 200));
  app.openapi(getWorkflow, async (c) => c.json(await workflows.get(c.req.valid("param").name), 200));
  app.openapi(replaceWorkflow, async (c) =>
    c.json(await workflows.replace(c.req.valid("param").name, c.req.valid("json") as WorkflowDefinition), 200),
  );
  app.openapi(deleteWorkflow, async (c) => {
    await workflows.delete(c.req.valid("param").name);
    return c.body(null, 204);
  });
  app.openapi(runWorkflow, async (c) => {
    const run = await workflows.run(c.req.valid("param").name, c.req.valid("json").input);
    return c.json({ runId: run.id, status: "running" as const }, 202);
  });
  app.openapi(invokeWorkflow, async (c) => {
    waitBeyondIdleTimeout(c.env, c.req.raw);
    const run = await workflows.invoke(c.req.valid("param").name, c.req.valid("json").input);
    return c.json({ runId: run.id, status: run.status, output: run.output, error: run.error }, 200);
  });
  app.openapi(listRuns, async (c) => {
    const q = c.req.valid("query");
    const page = await listing(() =>
      workflows.listRuns({ workflow: q.workflow, status: q.status, limit: readLimit(q.limit), cursor: q.cursor }),
    );
    return c.json({ items: page.items.map(runView), nextCursor: page.nextCursor }, 200);
  });
  app.openapi(getRun, async (c) => c.json(runView(await workflows.getRun(c.req.valid("param").id)), 200));
  app.openapi(cancelRun, async (c) => c.json(runView(await workflows.cancelRun(c.req.valid("param").id)), 200));
}
