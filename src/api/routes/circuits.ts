/**
 * @module
 * `POST /v1/functions/{name}:reset-circuit` (SPEC-platform §6): an operator closes a function's
 * circuit breaker by hand. The state itself is shown in every function response (`circuit`).
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { NanofaasError } from "../../domain/errors";
import type { CircuitView } from "../../resilience/circuit-breaker";
import { internalPath } from "../custom-verbs";
import { callerKey } from "../caller-tenant";
import { errors, json } from "../openapi-helpers";
import { CircuitStatus } from "../schemas";

/** What the routes need from the engine. */
export interface CircuitControl {
  circuit(name: string): CircuitView | undefined;
  /** Throws NOT_FOUND for an unknown function; false when it has no breaker. */
  resetCircuit(name: string): boolean;
}

const NameParam = z.object({ name: z.string().meta({ param: { name: "name", in: "path" }, example: "word-stats" }) });

const resetCircuit = createRoute({
  method: "post",
  path: internalPath("/v1/functions/{name}:reset-circuit"),
  operationId: "resetFunctionCircuit",
  tags: ["functions"],
  summary: "Close a function's circuit breaker",
  description: "Queued work is dispatched again at once. 409 when the function has no `circuitBreaker`.",
  request: { params: NameParam },
  responses: {
    200: json(z.object({ function: z.string(), circuit: CircuitStatus }).meta({ id: "CircuitReset" }), "Closed"),
    ...errors(404, 409),
  },
});

export function registerCircuitRoutes(app: OpenAPIHono, circuits: CircuitControl): void {
  app.openapi(resetCircuit, (c) => {
    const { name } = c.req.valid("param");
    const key = callerKey(c, name);
    if (!circuits.resetCircuit(key)) {
      throw new NanofaasError("CONFLICT", `Function '${name}' has no circuit breaker (its spec has no circuitBreaker)`);
    }
    return c.json({ function: name, circuit: circuits.circuit(key)! }, 200);
  });
}
