/**
 * @module
 * `/v1/functions` — register, list, get, delete and scale functions (reference §1.3–§1.6).
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { NanofaasError } from "../../domain/errors";
import { FunctionSpec } from "../../domain/function-spec";
import { type ResolvedFunction, toFunctionResponse } from "../../domain/resolved-function";
import type { FunctionService } from "../../registry/function-service";
import type { TriggerCatalog } from "../../triggers/trigger-catalog";
import { callerKey, callerOwns, localName } from "../caller-tenant";
import { errors, json } from "../openapi-helpers";
import { FunctionResponse, ReplicaRequest, ReplicaResponse } from "../schemas";
import type { CircuitControl } from "./circuits";
import { registerVersionRoutes } from "./function-versions";
import { functionStatus, type ReplicaView } from "./function-status";
import { registerTrafficRoutes } from "./function-traffic";

const NameParam = z.object({ name: z.string().meta({ param: { name: "name", in: "path" }, example: "word-stats" }) });
const tags = ["functions"];

const listFunctions = createRoute({
  method: "get",
  path: "/v1/functions",
  operationId: "listFunctions",
  tags,
  summary: "List functions",
  responses: { 200: json(z.array(FunctionResponse), "Registered functions, sorted by name") },
});

const registerFunction = createRoute({
  method: "post",
  path: "/v1/functions",
  operationId: "registerFunction",
  tags,
  summary: "Register a function",
  request: { body: { required: true, content: { "application/json": { schema: FunctionSpec } } } },
  responses: {
    201: json(FunctionResponse, "Registered; the body shows the resolved spec"),
    ...errors(400, 403, 409, 413, 415, 500, 502, 503),
  },
});

const getFunction = createRoute({
  method: "get",
  path: "/v1/functions/{name}",
  operationId: "getFunction",
  tags,
  summary: "Get a function",
  request: { params: NameParam },
  responses: { 200: json(FunctionResponse, "The function"), ...errors(404) },
});

const deleteFunction = createRoute({
  method: "delete",
  path: "/v1/functions/{name}",
  operationId: "deleteFunction",
  tags,
  summary: "Delete a function",
  description: "Queued executions fail with FUNCTION_REMOVED; running ones finish.",
  request: { params: NameParam },
  responses: { 204: { description: "Deleted" }, ...errors(404, 500, 502) },
});

const setReplicas = createRoute({
  method: "put",
  path: "/v1/functions/{name}/replicas",
  operationId: "setFunctionReplicas",
  tags,
  summary: "Scale a DEPLOYMENT function",
  request: { params: NameParam, body: { required: true, content: { "application/json": { schema: ReplicaRequest } } } },
  responses: { 200: json(ReplicaResponse, "Scaled"), ...errors(400, 404, 413, 415, 502, 503) },
});

/** A 409 on registration says how to change the function instead: PUT (a new version) or `fn apply`. */
function replaceHint(conflict: NanofaasError, name: string): NanofaasError {
  return new NanofaasError(
    "CONFLICT",
    `${conflict.message}. To change it, update it in place (PUT /v1/functions/${name}: a new version) or run \`nanofaas fn apply -f <spec>\`, which does that`,
    { details: conflict.details },
  );
}

/**
 * `replicas`: the deployment backend's counts, for each response's `status`; `triggers`: the
 * function's triggers, shown by GET of one function (not by the list: it would read every webhook).
 */
export function registerFunctionRoutes(
  app: OpenAPIHono,
  functions: FunctionService,
  replicas?: ReplicaView,
  circuits?: Pick<CircuitControl, "circuit">,
  triggers?: Pick<TriggerCatalog, "list">,
): void {
  const view = (fn: ResolvedFunction) => {
    // A tenant knows its functions by their names, not by the internal keys (api/caller-tenant.ts).
    const body: Record<string, unknown> = { ...toFunctionResponse(fn), name: localName(fn.name) };
    const circuit = fn.circuitBreaker && circuits?.circuit(fn.name);
    if (circuit) body.circuit = circuit;
    body.status = functionStatus(fn, replicas);
    return body;
  };
  const respond = (fn: ResolvedFunction) => view(fn) as never;
  registerVersionRoutes(app, functions, respond);
  registerTrafficRoutes(app, functions, respond);
  app.openapi(listFunctions, (c) =>
    c.json(
      functions
        .list()
        .filter((fn) => callerOwns(c, fn.name))
        .map(respond) as never,
      200,
    ),
  );

  app.openapi(registerFunction, async (c) => {
    const spec = c.req.valid("json");
    const fn = await functions.register({ ...spec, name: callerKey(c, spec.name) }).catch((error: unknown) => {
      throw error instanceof NanofaasError && error.code === "CONFLICT" ? replaceHint(error, spec.name) : error;
    });
    return c.json(respond(fn), 201);
  });

  app.openapi(getFunction, async (c) => {
    const fn = functions.require(callerKey(c, c.req.valid("param").name));
    if (!triggers) return c.json(respond(fn), 200);
    const own = (await triggers.list({ function: fn.name })).map((t) => ({ ...t, function: localName(t.function) }));
    return c.json({ ...view(fn), triggers: own } as never, 200);
  });

  app.openapi(deleteFunction, async (c) => {
    await functions.remove(callerKey(c, c.req.valid("param").name));
    return c.body(null, 204);
  });

  app.openapi(setReplicas, async (c) => {
    const { name } = c.req.valid("param");
    const replicas = await functions.setReplicas(callerKey(c, name), c.req.valid("json").replicas);
    return c.json({ function: name, replicas }, 200);
  });
}
