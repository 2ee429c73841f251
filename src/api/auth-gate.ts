/**
 * @module
 * Authentication and authorization at the API edge (issue 18). `authenticate` is the Hono
 * middleware every request passes; `checkInvoke` is the same check for the invoke fast path, which
 * bypasses the middleware. Both ask the one AuthGuard (src/auth/guard.ts) with the access the
 * route table (src/auth/route-scopes.ts) gives the route the router actually matched. Mutating
 * calls and denied calls are written to the audit log.
 */
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AuditLog } from "../auth/audit-log";
import type { AuthGuard } from "../auth/guard";
import type { Denial, Principal, Verdict } from "../auth/principal";
import { type Access, type RouteRule, ruleLookup } from "../auth/route-scopes";
import { Header } from "../contracts/headers";
import { DEFAULT_TENANT } from "../tenants/tenant-spec";
import { setCallerTenant, TENANT_HEADER } from "./caller-tenant";

export interface AuthGateDeps {
  /** Absent in mode `none`: nothing is checked, mutating calls are still audited. */
  guard?: AuthGuard;
  audit: AuditLog;
  /** Whether a tenant exists (X-Nanofaas-Tenant naming another one is 404); absent, only `default`. */
  tenantExists?: (tenant: string) => boolean;
}

export interface AuthGate {
  middleware: MiddlewareHandler;
  /**
   * The fast path's check for `POST /v1/functions/{name}:invoke|:enqueue`: a Response refuses it,
   * a string is the caller's tenant. The fast path steps aside for X-Nanofaas-Tenant (the app checks it).
   */
  checkInvoke?: (request: Request, name: string, server: unknown) => Response | string | Promise<Response | string>;
}

const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

export function createAuthGate({ guard, audit, tenantExists }: AuthGateDeps): AuthGate {
  const lookup = ruleLookup();
  const deny = (denial: Denial, request: Request, source: string) => {
    // Lock-out answers are not audited one by one: the failures that caused them were.
    if (denial.status !== 429) audit.record(deniedEvent(denial, request, source));
    return denialResponse(denial);
  };

  async function authenticate(c: Context, next: () => Promise<void>) {
    const { rule, access } = accessOf(c, lookup);
    const source = sourceAddress(c.env, c.req.raw);
    let principal: Principal | undefined;
    if (guard) {
      const verdict = await guard.check(accessRequest(c.req.raw, access, rule, source, c));
      if (verdict.denial) return deny(verdict.denial, c.req.raw, source);
      principal = verdict.principal;
    }
    const tenant = actingTenant(c.req.raw, principal, tenantExists);
    if (typeof tenant !== "string") return deny(tenant, c.req.raw, source);
    setCallerTenant(c, tenant);
    await next();
    if (rule?.action) await auditCall(audit, c, rule, principal, source);
  }

  const checkInvoke =
    guard &&
    ((request: Request, name: string, server: unknown) => {
      const source = sourceAddress(server, request);
      const verdict = guard.check({
        access: "functions:invoke",
        target: name,
        authorization: request.headers.get("authorization"),
        source,
      });
      const answer = (v: Verdict) => (v.denial ? deny(v.denial, request, source) : v.principal.tenant);
      return verdict instanceof Promise ? verdict.then(answer) : answer(verdict);
    });
  return { middleware: authenticate, checkInvoke };
}

/**
 * The tenant the request acts in: the credential's, or the one X-Nanofaas-Tenant names when the
 * credential is an admin's (or auth is off). A non-admin naming another tenant is 403; a tenant
 * that does not exist is 404 (the header is checked before the route runs, so nothing happens).
 */
function actingTenant(
  request: Request,
  principal: Principal | undefined,
  exists: ((tenant: string) => boolean) | undefined,
): string | Denial {
  const own = principal?.tenant ?? DEFAULT_TENANT;
  const asked = request.headers.get(TENANT_HEADER);
  if (asked === null || asked === own) return own;
  if (principal && !principal.scopes.grants("admin")) {
    return {
      status: 403,
      code: "FORBIDDEN",
      message: `${TENANT_HEADER} names another tenant: only an admin credential may act in another tenant`,
      scope: "admin",
      principal,
    };
  }
  if (!(exists ?? ((t: string) => t === DEFAULT_TENANT))(asked)) {
    return { status: 404, code: "NOT_FOUND", message: `Tenant '${asked}' not found (${TENANT_HEADER})`, principal };
  }
  return asked;
}

/** The rule of the route the router matched; no route (404/405) still needs a credential. */
function accessOf(c: Context, lookup: ReturnType<typeof ruleLookup>): { rule?: RouteRule; access: Access | "any" } {
  const last = matchedRoutes(c).at(-1);
  if (!last || last.method === "ALL") return { access: "any" };
  const rule = lookup(last.method, last.path);
  // A route missing from the table is for admins only until someone gives it a rule (fail closed).
  return rule ? { rule, access: rule.access } : { access: "admin" };
}

function accessRequest(
  request: Request,
  access: Access | "any",
  rule: RouteRule | undefined,
  source: string,
  c: Context,
) {
  const params = rule ? routeParams(c) : {};
  return {
    access,
    target: params.name ?? params.executionId,
    authorization: request.headers.get("authorization"),
    callbackToken: request.headers.get(Header.callbackToken),
    attempt: request.headers.get(Header.dispatchAttempt),
    source,
  };
}

/** The matched route's path parameters (a middleware's own `param()` sees only its own, none). */
function routeParams(c: Context): Record<string, string> {
  const own = c.req.routeIndex;
  c.req.routeIndex = matchedRoutes(c).length - 1;
  try {
    return c.req.param() as Record<string, string>;
  } finally {
    c.req.routeIndex = own;
  }
}

/** One audit event for a call that changes state, after it was answered. */
async function auditCall(
  audit: AuditLog,
  c: Context,
  rule: RouteRule,
  principal: Principal | undefined,
  source: string,
) {
  const status = c.res.status;
  const params = routeParams(c);
  const target = params.name ?? params.id ?? params.executionId ?? (await createdName(c.res, status));
  // A 500 already carries the id its log line was written with.
  const requestId = c.res.headers.get("X-Request-Id") ?? requestIdOf(c.req.raw);
  c.res.headers.set("X-Request-Id", requestId);
  audit.record({
    action: rule.action!,
    target,
    outcome: status < 400 ? "success" : "failure",
    status,
    principal,
    requestId,
    source,
  });
}

/** `POST` collections answer with the created object: its `name` (or `id`) is the target. */
async function createdName(response: Response, status: number): Promise<string | null> {
  if (status !== 201 && status !== 200) return null;
  try {
    const body = (await response.clone().json()) as { name?: unknown; id?: unknown };
    const found = body.name ?? body.id;
    return typeof found === "string" ? found : null;
  } catch {
    return null;
  }
}

function deniedEvent(denial: Denial, request: Request, source: string) {
  const url = new URL(request.url);
  return {
    action: "auth.denied",
    target: `${request.method} ${url.pathname}`,
    outcome: "denied" as const,
    status: denial.status,
    principal: denial.principal,
    requestId: requestIdOf(request),
    source,
  };
}

/** The client's X-Request-Id when it is sane, else a fresh one. */
function requestIdOf(request: Request): string {
  const given = request.headers.get("x-request-id");
  return given !== null && REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

/** The peer's address from Bun's server (Hono's `env`); `local` under app.request(). */
export function sourceAddress(server: unknown, request: Request): string {
  const requestIP = (server as { requestIP?: (r: Request) => { address: string } | null } | undefined)?.requestIP;
  if (typeof requestIP !== "function") return "local";
  try {
    return requestIP.call(server, request)?.address ?? "local";
  } catch {
    return "local"; // a request Bun does not know (a copy made by the fast path)
  }
}

export function denialResponse(denial: Denial): Response {
  const body: Record<string, unknown> = { error: denial.code, message: denial.message };
  if (denial.scope) body.details = [{ scope: denial.scope }];
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (denial.status === 401)
    headers["WWW-Authenticate"] =
      `Bearer realm="nanofaas"${denial.bearerError ? `, error="${denial.bearerError}"` : ""}`;
  if (denial.retryAfterSeconds !== undefined) headers[Header.retryAfter] = String(denial.retryAfterSeconds);
  return new Response(JSON.stringify(body), { status: denial.status, headers });
}
