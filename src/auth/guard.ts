/**
 * @module
 * The one authentication and authorization check, used by the auth middleware and by the invoke
 * fast path alike: read the bearer credential, resolve it (API key or OIDC token), check the
 * access its route needs, and slow sources that keep failing. In mode `none` it is never called.
 */
import type { ApiKeyRegistry } from "./api-key-registry";
import { KEY_MARKER } from "./api-key-secret";
import type { CallbackTokens } from "./callback-token";
import { FailureLimiter } from "./failure-limiter";
import { type Denial, type Principal, unauthenticated, type Verdict } from "./principal";
import type { Access } from "./route-scopes";
import { scopeSet } from "./scopes";

/** The principal, or why not (`retryAfterSeconds`: the issuer is unreachable, not the token bad). */
export type TokenVerdict = Principal | { problem: string; retryAfterSeconds?: number };

/** Verifies a bearer JWT (oidc.ts); synchronous when the token was verified before. */
export interface TokenVerifier {
  verify(token: string): TokenVerdict | Promise<TokenVerdict>;
  /** A token verified before and still trusted without a check (one lookup), else undefined. */
  known?(token: string): Principal | undefined;
}

export interface AuthGuardDeps {
  apiKeys?: ApiKeyRegistry;
  oidc?: TokenVerifier;
  callbacks: CallbackTokens;
  limiter?: FailureLimiter;
}

/** What one request asks for. */
export interface AccessRequest {
  /** `any`: any valid credential (a path no route answers, so the client learns nothing first). */
  access: Access | "any";
  /** The function (`:invoke`/`:enqueue`, narrowed invoke scopes) or the execution (callbacks). */
  target?: string;
  authorization: string | null;
  /** `X-Callback-Token` and `X-Dispatch-Attempt`, for callbacks. */
  callbackToken?: string | null;
  attempt?: string | null;
  source: string;
}

const ANONYMOUS: Principal = { actor: "anonymous", tenant: "default", scopes: scopeSet([]) };
const CALLBACK: Principal = { actor: "callback", tenant: "default", scopes: scopeSet([]) };
const BEARER = /^Bearer +([\x21-\x7e]+) *$/i;

export class AuthGuard {
  private readonly limiter: FailureLimiter;

  constructor(private readonly deps: AuthGuardDeps) {
    this.limiter = deps.limiter ?? new FailureLimiter();
  }

  /** A Promise only when an OIDC token must be verified; API keys are answered synchronously. */
  check(request: AccessRequest): Verdict | Promise<Verdict> {
    if (request.access === "public") return { principal: ANONYMOUS };
    const wait = this.limiter.blockedFor(request.source);
    if (wait > 0) return { denial: tooManyFailures(wait) };
    if (request.access === "callback") return this.checkCallback(request);
    const resolved = this.resolve(request.authorization);
    if (resolved instanceof Promise) return resolved.then((r) => this.decide(r, request));
    return this.decide(resolved, request);
  }

  private resolve(authorization: string | null): Principal | Denial | Promise<Principal | Denial> {
    if (authorization === null || authorization === "")
      return unauthenticated("Authentication required: send Authorization: Bearer <API key or token>", false);
    const { apiKeys, oidc } = this.deps;
    // The hot path of a client reusing its token: the exact string was parsed and verified before,
    // so one lookup replaces the header regex and the split over a ~1 KB token.
    if (oidc?.known && authorization.startsWith("Bearer ") && !authorization.startsWith(KEY_MARKER, 7)) {
      const known = oidc.known(authorization.slice(7));
      if (known !== undefined) return known;
    }
    const token = BEARER.exec(authorization)?.[1];
    if (token === undefined)
      return unauthenticated("Malformed Authorization header: expected 'Bearer <credential>'", true);
    if (apiKeys && token.startsWith(KEY_MARKER)) {
      const found = apiKeys.check(token);
      if ("key" in found)
        return { actor: `apikey:${found.key.prefix}`, tenant: found.key.tenant, scopes: found.key.scopes };
      return unauthenticated(found.problem === "expired" ? "API key expired" : "Invalid API key", true);
    }
    if (oidc && token.split(".").length === 3) {
      const verdict = oidc.verify(token);
      return verdict instanceof Promise ? verdict.then(tokenOutcome) : tokenOutcome(verdict);
    }
    return unauthenticated("Invalid credential", true);
  }

  private decide(resolved: Principal | Denial, request: AccessRequest): Verdict {
    if ("status" in resolved) {
      // An unreachable issuer is not the client's failure: do not slow it down for it.
      if (resolved.status !== 503) this.limiter.fail(request.source);
      return { denial: resolved };
    }
    if (request.access === "any") return { principal: resolved };
    const access = request.access as Exclude<Access, "public" | "callback">;
    if (resolved.scopes.grants(access, request.target)) return { principal: resolved };
    const scope = access === "functions:invoke" && request.target ? `functions:invoke:${request.target}` : access;
    const message = `This credential lacks the scope '${access}'${scope === access ? "" : ` (or '${scope}')`}`;
    return { denial: { status: 403, code: "FORBIDDEN", message, scope: access, principal: resolved } };
  }

  private checkCallback(request: AccessRequest): Verdict {
    const { callbackToken, attempt, target } = request;
    if (target !== undefined && callbackToken && this.deps.callbacks.verify(target, attempt ?? null, callbackToken))
      return { principal: CALLBACK };
    this.limiter.fail(request.source);
    const message = callbackToken
      ? "X-Callback-Token does not belong to this execution and attempt"
      : "A callback needs the X-Callback-Token the execution was dispatched with";
    return { denial: unauthenticated(message, Boolean(callbackToken)) };
  }
}

function tokenOutcome(verdict: TokenVerdict): Principal | Denial {
  if (!("problem" in verdict)) return verdict;
  if (verdict.retryAfterSeconds === undefined) return unauthenticated(`Invalid token: ${verdict.problem}`, true);
  return {
    status: 503,
    code: "AUTH_UNAVAILABLE",
    message: `Token not checked: ${verdict.problem}`,
    retryAfterSeconds: verdict.retryAfterSeconds,
  };
}

function tooManyFailures(seconds: number): Denial {
  return {
    status: 429,
    code: "RATE_LIMITED",
    message: `Too many failed authentication attempts from this address; retry in ${seconds} s`,
    retryAfterSeconds: seconds,
  };
}
