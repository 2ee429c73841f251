/**
 * @module
 * Traffic splitting and blue/green (issue 22, SPEC-platform §6): `PUT /v1/functions/{name}/traffic`
 * and `POST /v1/functions/{name}:promote`. The rules live in versions/traffic.ts and the function
 * service; these are the HTTP shapes.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { ResolvedFunction } from "../../domain/resolved-function";
import type { FunctionService } from "../../registry/function-service";
import { MAX_TRAFFIC_VERSIONS } from "../../versions/traffic";
import { callerKey } from "../caller-tenant";
import { internalPath } from "../custom-verbs";
import { errors, json } from "../openapi-helpers";
import { FunctionResponse, TrafficEntry } from "../schemas";

const tags = ["functions"];
const NameParam = z.object({ name: z.string().meta({ param: { name: "name", in: "path" }, example: "word-stats" }) });

// Only the shape here; the values (whole percentages summing to 100, known versions) are checked
// by checkTraffic, which lists every problem at once.
export const TrafficRequest = z
  .object({ traffic: z.array(TrafficEntry).max(MAX_TRAFFIC_VERSIONS) })
  .strict()
  .meta({ id: "TrafficRequest" });

export const PromoteRequest = z
  .object({ version: z.int().min(1).meta({ description: "The version that takes all traffic" }) })
  .strict()
  .meta({ id: "PromoteRequest" });

const setTraffic = createRoute({
  method: "put",
  path: "/v1/functions/{name}/traffic",
  operationId: "setFunctionTraffic",
  tags,
  summary: "Split a function's calls between its versions",
  description:
    "Weights are whole percentages summing to 100 over versions in the history; each version with a weight runs on its own replicas. `[{version: <active>, weight: 100}]` ends the split.",
  request: { params: NameParam, body: { required: true, content: { "application/json": { schema: TrafficRequest } } } },
  responses: { 200: json(FunctionResponse, "The function with its split"), ...errors(400, 403, 404, 413, 415, 503) },
});

const promote = createRoute({
  method: "post",
  path: internalPath("/v1/functions/{name}:promote"),
  operationId: "promoteFunction",
  tags,
  summary: "Move all traffic to one version (blue/green)",
  description:
    "The version must be running (in the traffic split, weight 0 is enough) and healthy: 409 when its circuit is OPEN or it has no ready replica. Work in flight on other versions finishes.",
  request: { params: NameParam, body: { required: true, content: { "application/json": { schema: PromoteRequest } } } },
  responses: {
    200: json(FunctionResponse, "The function, that version active"),
    ...errors(400, 403, 404, 409, 502, 503),
  },
});

export function registerTrafficRoutes(
  app: OpenAPIHono,
  functions: FunctionService,
  respond: (fn: ResolvedFunction) => never,
): void {
  app.openapi(setTraffic, async (c) => {
    const { name } = c.req.valid("param");
    return c.json(respond(await functions.setTraffic(callerKey(c, name), c.req.valid("json").traffic)), 200);
  });

  app.openapi(promote, async (c) => {
    const { name } = c.req.valid("param");
    return c.json(respond(await functions.promote(callerKey(c, name), c.req.valid("json").version)), 200);
  });
}
