/**
 * @module
 * THE table of who may call what (issue 18): every API route, by method and published OpenAPI
 * path, with the access it needs and, for calls that change something, the audit action. The auth
 * middleware, the invoke fast path, the OpenAPI security section and the route × credential matrix
 * test all read this one table; a route the OpenAPI document has and this table lacks fails that test.
 */
import type { Scope } from "./scopes";

/** `public`: no credential; `callback`: the execution's X-Callback-Token; else a scope. */
export type Access = Scope | "public" | "callback";

export interface RouteRule {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The published path (`{param}` placeholders, `:verb` suffixes), as in the OpenAPI document. */
  path: string;
  access: Access;
  /** Audit action (`<object>.<verb>`) when the call changes state; read-only calls have none. */
  action?: string;
}

const r = (method: RouteRule["method"], path: string, access: Access, action?: string): RouteRule => ({
  method,
  path,
  access,
  action,
});

export const ROUTE_RULES: readonly RouteRule[] = [
  r("GET", "/", "public"),
  r("GET", "/docs", "public"),
  // The API reference's own script files, embedded in the binary (no CDN).
  r("GET", "/docs/assets/{file}", "public"),
  r("GET", "/openapi.json", "public"),
  // The web console's shell and assets hold no data: its API calls carry the user's own key.
  r("GET", "/ui", "public"),
  r("GET", "/ui/", "public"),
  r("GET", "/ui/assets/{file}", "public"),
  r("GET", "/modules/build-metadata", "public"),
  r("GET", "/v1/functions", "functions:read"),
  r("POST", "/v1/functions", "functions:write", "function.create"),
  r("GET", "/v1/functions/{name}", "functions:read"),
  r("DELETE", "/v1/functions/{name}", "functions:write", "function.delete"),
  r("GET", "/v1/functions/{name}/logs", "functions:read"),
  r("PUT", "/v1/functions/{name}/replicas", "functions:write", "function.scale"),
  r("POST", "/v1/functions/{name}:reset-circuit", "functions:write", "function.reset-circuit"),
  r("PUT", "/v1/functions/{name}", "functions:write", "function.update"),
  r("GET", "/v1/functions/{name}/versions", "functions:read"),
  r("GET", "/v1/functions/{name}/versions/{version}", "functions:read"),
  r("POST", "/v1/functions/{name}:rollback", "functions:write", "function.rollback"),
  r("PUT", "/v1/functions/{name}/traffic", "functions:write", "function.traffic"),
  r("POST", "/v1/functions/{name}:promote", "functions:write", "function.promote"),
  // Invocations are executions, not audit events (the hot path writes no audit line).
  r("POST", "/v1/functions/{name}:invoke", "functions:invoke"),
  r("POST", "/v1/functions/{name}:enqueue", "functions:invoke"),
  // Cron schedules (issue 21): their run state is part of managing the function.
  r("GET", "/v1/functions/{name}/schedules", "functions:read"),
  r("POST", "/v1/functions/{name}/schedules/{id}:trigger", "functions:write", "schedule.trigger"),
  r("POST", "/v1/functions/{name}/schedules/{id}:pause", "functions:write", "schedule.pause"),
  r("POST", "/v1/functions/{name}/schedules/{id}:resume", "functions:write", "schedule.resume"),
  // Webhooks (issue 21): managed with functions:*; a delivery is authenticated by its signature.
  r("POST", "/v1/webhooks", "functions:write", "webhook.create"),
  r("GET", "/v1/webhooks", "functions:read"),
  r("GET", "/v1/webhooks/{id}", "functions:read"),
  r("DELETE", "/v1/webhooks/{id}", "functions:write", "webhook.delete"),
  r("POST", "/v1/webhooks/{id}:rotate-secret", "functions:write", "webhook.rotate-secret"),
  r("POST", "/v1/webhooks/{id}", "public"),
  // The web console's live figures (issue 24): read-only, like the function list.
  r("GET", "/v1/stats/functions", "functions:read"),
  // Workflows (issue 23): definitions need workflows:write, starting and cancelling runs workflows:run.
  r("POST", "/v1/workflows", "workflows:write", "workflow.create"),
  r("GET", "/v1/workflows", "functions:read"),
  r("GET", "/v1/workflows/{name}", "functions:read"),
  r("PUT", "/v1/workflows/{name}", "workflows:write", "workflow.update"),
  r("DELETE", "/v1/workflows/{name}", "workflows:write", "workflow.delete"),
  r("POST", "/v1/workflows/{name}:run", "workflows:run", "workflow.run"),
  r("POST", "/v1/workflows/{name}:invoke", "workflows:run", "workflow.run"),
  r("GET", "/v1/workflow-runs", "executions:read"),
  r("GET", "/v1/workflow-runs/{id}", "executions:read"),
  r("POST", "/v1/workflow-runs/{id}:cancel", "workflows:run", "workflow-run.cancel"),
  r("GET", "/v1/triggers", "functions:read"),
  r("GET", "/v1/executions", "executions:read"),
  r("GET", "/v1/executions/{executionId}", "executions:read"),
  r("POST", "/v1/internal/executions/{executionId}:complete", "callback"),
  r("GET", "/v1/dlq", "executions:read"),
  r("GET", "/v1/dlq/{id}", "executions:read"),
  r("POST", "/v1/dlq/{id}:replay", "dlq:write", "dlq.replay"),
  r("DELETE", "/v1/dlq/{id}", "dlq:write", "dlq.delete"),
  r("POST", "/v1/dlq:purge", "dlq:write", "dlq.purge"),
  r("GET", "/v1/admin/runtime-config", "admin"),
  r("POST", "/v1/admin/runtime-config/validate", "admin"),
  r("PATCH", "/v1/admin/runtime-config", "admin", "runtime-config.update"),
  r("POST", "/v1/apikeys", "admin", "apikey.create"),
  r("GET", "/v1/apikeys", "admin"),
  r("GET", "/v1/apikeys/{id}", "admin"),
  r("DELETE", "/v1/apikeys/{id}", "admin", "apikey.revoke"),
  r("GET", "/v1/audit", "admin"),
  // Tenants (issue 19): only an admin creates tenants or changes their quotas.
  r("POST", "/v1/tenants", "admin", "tenant.create"),
  r("GET", "/v1/tenants", "admin"),
  r("GET", "/v1/tenants/{name}", "admin"),
  r("PUT", "/v1/tenants/{name}", "admin", "tenant.update"),
  r("DELETE", "/v1/tenants/{name}", "admin", "tenant.delete"),
];

/**
 * The router's own path for a rule (`{name}` → `:name`, `:invoke` → `/~invoke`, see
 * api/custom-verbs.ts): the middleware looks rules up by the route the router actually matched, so
 * a path spelled differently (trailing slash, percent-encoding) can never reach a handler under
 * another route's rule.
 */
export const routerPath = (path: string) => path.replace(/:([a-z-]+)$/, "/~$1").replace(/\{([^}]+)\}/g, ":$1");

/** Finds the rule of the route the router matched, by its method and router path. */
export type RuleLookup = (method: string, routerPath: string) => RouteRule | undefined;

export function ruleLookup(rules: readonly RouteRule[] = ROUTE_RULES): RuleLookup {
  const byKey = new Map(rules.map((rule) => [`${rule.method} ${routerPath(rule.path)}`, rule]));
  return (method, path) => byKey.get(`${method} ${path}`);
}
