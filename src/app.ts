/**
 * @module
 * `createApp(deps)`: the API as a web-standard fetch handler (Hono), with no I/O of its own. Routes
 * come from @hono/zod-openapi, so validation and the OpenAPI document share one set of schemas.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { type ApiReferenceLoader, embeddedApiReference, registerDocsRoutes } from "./docs/docs-routes";
import type { MiddlewareHandler } from "hono";
import { getPathWithCustomVerbs, publishCustomVerbPaths } from "./api/custom-verbs";
import { errorResponse, unexpectedErrorResponse } from "./api/errors";
import { validationError } from "./api/validation-wording";
import { type AllowedMethods, allowedMethodsFor } from "./api/method-not-allowed";
import { jsonBody } from "./api/middleware/json-body";
import { withSecurity } from "./api/openapi-security";
import type { ReplicaView } from "./api/routes/function-status";
import { registerDlqRoutes } from "./api/routes/dlq";
import { type ExecutionHistory, registerExecutionListRoutes } from "./api/routes/executions";
import { type CircuitControl, registerCircuitRoutes } from "./api/routes/circuits";
import { registerFunctionLogRoutes } from "./api/routes/function-logs";
import { registerFunctionRoutes } from "./api/routes/functions";
import { registerInvocationRoutes } from "./api/routes/invocations";
import { registerModuleRoutes } from "./api/routes/modules";
import { NanofaasError } from "./domain/errors";
import type { DeadLetterQueue } from "./dlq/dead-letter-queue";
import type { Invoker } from "./execution/invoker";
import type { FunctionLogSource } from "./logs/log-source";
import type { FunctionService } from "./registry/function-service";
import type { TriggerCatalog } from "./triggers/trigger-catalog";

export interface AppDeps {
  functions: FunctionService;
  /** The deployment backend's replica counts, for the `status` of function responses. */
  replicas?: ReplicaView;
  /** The deployment backend's function output lines (`GET /v1/functions/{name}/logs`); absent, no lines. */
  logs?: FunctionLogSource;
  /** Every trigger with its state (issue 21): `GET /v1/functions/{name}` shows the function's. */
  triggers?: Pick<TriggerCatalog, "list">;
  invoker: Invoker;
  /** Circuit breakers: `circuit` in function responses and `:reset-circuit`; absent, neither. */
  circuits?: CircuitControl;
  /** The dead-letter queue (`/v1/dlq…` routes); absent, those routes do not exist. */
  deadLetters?: DeadLetterQueue;
  /** Execution history (`GET /v1/executions`), read from the state store; absent, the route does not exist. */
  executionHistory?: ExecutionHistory;
  version: string;
  maxBodyBytes: number;
  /** NANOFAAS_MAX_JSON_DEPTH: deepest nesting accepted in a request body. */
  maxJsonDepth: number;
  apiDocsEnabled?: boolean;
  /** The API reference's browser bundle for /docs; the one embedded in the binary unless a test passes its own. */
  apiDocs?: ApiReferenceLoader;
  /** Where `/` redirects: the web console (`/ui`) when it is served, else the API reference. */
  home?: string;
  /** Middleware run before everything else, for every request (request metrics, access log). */
  middleware?: MiddlewareHandler[];
  /** Authentication, authorization and the audit of mutating calls (api/auth-gate.ts); after `middleware`. */
  authenticate?: MiddlewareHandler;
  /** Logs a 500's cause and returns the request id to answer with (X-Request-Id). */
  onUnexpectedError?: (error: unknown, request: Request) => string;
  /** Extra routes (admin API, …) registered by later modules before the fallbacks. */
  extensions?: ((app: OpenAPIHono) => void)[];
}

export const OPENAPI_INFO = {
  title: "nanofaas API",
  description: "Register functions and invoke them synchronously or asynchronously.",
};

/** POSTs the JSON gate lets through: bodyless verbs and webhook deliveries (`/v1/webhooks/{id}`). */
const BODYLESS_POST =
  /\/~(?:replay|trigger|pause|resume|rotate-secret|reset-circuit|cancel|rollback)$|^\/v1\/webhooks\/[^/]+$/;

export function createApp(deps: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono({
    getPath: getPathWithCustomVerbs,
    defaultHook: (result, c) => {
      if (result.success) return;
      const invocation = /\/~(invoke|enqueue)$/.test(getPathWithCustomVerbs(c.req.raw));
      return errorResponse(validationError(result.error.issues, (result as { data?: unknown }).data, invocation));
    },
  });

  let allowed: AllowedMethods | undefined;
  const routeExists = (method: string, request: Request) => {
    allowed ??= allowedMethodsFor(app.routes);
    return allowed(getPathWithCustomVerbs(request)).includes(method);
  };
  for (const middleware of deps.middleware ?? []) app.use(middleware);
  // Before the body gate: a caller without a credential learns nothing from body validation.
  if (deps.authenticate) app.use(deps.authenticate);
  const gate = jsonBody(deps.maxBodyBytes, deps.maxJsonDepth, routeExists);
  // Named: the invoke fast path declares the edge hooks it replaces (FAST_PATH_EDGE_HOOKS).
  app.use("/v1/*", async function jsonBodyGate(c, next) {
    const method = c.req.method;
    // Bodyless verbs (`:replay`, `:trigger`, …) must not be refused for lacking a JSON Content-Type;
    // webhook deliveries read (and cap) their raw body themselves: the signature is over its bytes.
    if ((method === "POST" && !BODYLESS_POST.test(c.req.path)) || method === "PUT" || method === "PATCH") {
      return gate(c, next);
    }
    await next();
  });

  registerFunctionRoutes(app, deps.functions, deps.replicas, deps.circuits, deps.triggers);
  if (deps.circuits) registerCircuitRoutes(app, deps.circuits);
  registerFunctionLogRoutes(app, deps.functions, deps.logs);
  registerInvocationRoutes(app, deps.invoker, deps.maxJsonDepth);
  registerModuleRoutes(app);
  if (deps.deadLetters) registerDlqRoutes(app, deps.deadLetters);
  if (deps.executionHistory) registerExecutionListRoutes(app, deps.executionHistory);
  for (const extend of deps.extensions ?? []) extend(app);

  const document = () =>
    withSecurity(
      publishCustomVerbPaths(
        app.getOpenAPI31Document({ openapi: "3.1.0", info: { ...OPENAPI_INFO, version: deps.version } }),
      ),
    );
  app.get("/openapi.json", (c) => c.json(document()));
  if (deps.apiDocsEnabled ?? true) registerDocsRoutes(app, deps.apiDocs ?? embeddedApiReference);

  // `/` on the API port: the console when it is served (SPEC-platform §8), else the API reference.
  const home = deps.home ?? ((deps.apiDocsEnabled ?? true) ? "/docs" : "/openapi.json");
  app.get("/", (c) => c.redirect(home, 302));

  app.notFound((c) => {
    allowed ??= allowedMethodsFor(app.routes);
    const methods = allowed(getPathWithCustomVerbs(c.req.raw));
    // The path as the client sent it (`c.req.path` holds the internal `/~verb` form).
    const path = new URL(c.req.url).pathname;
    if (methods.length > 0) {
      const message = `Method ${c.req.method} is not allowed on ${path}; use ${methods.join(" or ")}`;
      return errorResponse(new NanofaasError("METHOD_NOT_ALLOWED", message), { Allow: methods.join(", ") });
    }
    return errorResponse(new NanofaasError("NOT_FOUND", `No route for ${c.req.method} ${path}`));
  });
  app.onError((error, c) => unexpectedErrorResponse(error, c.req.raw, deps.onUnexpectedError));
  return app;
}

/** The published OpenAPI document of an app built by createApp. */
export async function openApiDocument(app: OpenAPIHono): Promise<unknown> {
  const res = await app.request("/openapi.json");
  return res.json();
}
