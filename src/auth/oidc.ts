/**
 * @module
 * Verifies OIDC bearer tokens (NANOFAAS_AUTH=oidc): signature against the issuer's keys
 * (issuer-keys.ts) with an algorithm allow-list, `iss`, `aud`, `exp` (required) and `nbf` with the
 * configured clock skew; then maps claims to a principal: scopes from `scope` (space-separated) or
 * `scp` (list), or the configured claim (a dotted path such as `realm_access.roles`), keeping only
 * values that are nanofaas scopes; tenant from the tenant claim (default `default`); actor
 * `oidc:<sub>`. A verified token is remembered (token-cache.ts) until its `exp` — never past it, the
 * clock skew is only granted by a full check — or ten minutes at most, so a client reusing its token
 * pays for the signature check once, not on every call. A remembered token is checked in full again
 * once the issuer's keys change or are due for a refetch, so a key the issuer stopped publishing
 * stops its tokens no later than it would without the cache.
 */
import { errors, type JWTPayload, jwtVerify } from "jose";
import type { Config } from "../config/config";
import type { TokenVerifier, TokenVerdict } from "./guard";
import { IssuerKeys, IssuerUnavailableError } from "./issuer-keys";
import type { Principal } from "./principal";
import { scopeProblem, scopeSet } from "./scopes";
import { TokenCache } from "./token-cache";

export interface OidcVerifierOptions {
  issuer: string;
  audience: string;
  algorithms: string[];
  clockSkewMs: number;
  /** Unset: `scope`, else `scp`. */
  scopesClaim?: string;
  tenantClaim: string;
  keys: IssuerKeys;
  now?: () => number;
  /** Longest a verified token is trusted without checking it again. */
  cacheMs?: number;
  /** Most tokens remembered at once (default 1024). */
  cacheEntries?: number;
}

/** Seconds a client is told to wait when the issuer's keys are unreachable. */
const ISSUER_RETRY_AFTER_S = 5;

export function oidcVerifierFrom(config: Config): OidcVerifier {
  const issuer = config.oidcIssuer ?? "";
  return new OidcVerifier({
    issuer,
    audience: config.oidcAudience ?? "",
    algorithms: config.oidcAlgorithms,
    clockSkewMs: config.oidcClockSkewMs,
    scopesClaim: config.oidcScopesClaim,
    tenantClaim: config.oidcTenantClaim,
    keys: new IssuerKeys({ issuer, jwksUrl: config.oidcJwksUrl }),
  });
}

export class OidcVerifier implements TokenVerifier {
  private readonly verified: TokenCache<Principal>;
  private readonly now: () => number;
  private readonly cacheMs: number;

  constructor(private readonly options: OidcVerifierOptions) {
    this.now = options.now ?? Date.now;
    this.cacheMs = options.cacheMs ?? 10 * 60_000;
    this.verified = new TokenCache(options.cacheEntries ?? 1024);
  }

  /** Synchronous for a token verified before and not yet expired (the hot path). */
  verify(token: string): TokenVerdict | Promise<TokenVerdict> {
    return this.known(token) ?? this.verifyFully(token);
  }

  /** The principal of a token verified before that may still be trusted without a check, else undefined. */
  known(token: string): Principal | undefined {
    const now = this.now();
    const hit = this.verified.get(token, now);
    if (hit === undefined || this.options.keys.outdated(hit.keysGeneration, now)) return undefined;
    return hit.value;
  }

  private async verifyFully(token: string): Promise<TokenVerdict> {
    const { issuer, audience, algorithms, clockSkewMs, keys } = this.options;
    let payload: JWTPayload;
    // The key set the signature was checked against (a refetch may land while this one runs).
    let keysGeneration = -1;
    const resolve: typeof keys.resolve = async (header, jws) => {
      const key = await keys.resolve(header, jws);
      keysGeneration = keys.generation;
      return key;
    };
    try {
      ({ payload } = await jwtVerify(token, resolve, {
        issuer,
        audience,
        algorithms,
        clockTolerance: clockSkewMs / 1000,
        currentDate: new Date(this.now()),
        requiredClaims: ["exp"],
      }));
    } catch (error) {
      if (error instanceof IssuerUnavailableError)
        return { problem: `cannot check tokens now: ${error.message}`, retryAfterSeconds: ISSUER_RETRY_AFTER_S };
      return { problem: describeFailure(error) };
    }
    if (typeof payload.sub !== "string" || payload.sub === "") return { problem: "the token has no subject (sub)" };
    const principal: Principal = {
      actor: `oidc:${payload.sub}`,
      tenant: this.tenantOf(payload),
      scopes: scopeSet(this.scopesOf(payload)),
    };
    const now = this.now();
    // Until exp, not exp + skew: inside the skew window every call is checked in full.
    this.verified.set(
      token,
      principal,
      Math.min((payload.exp as number) * 1000, now + this.cacheMs),
      keysGeneration,
      now,
    );
    return principal;
  }

  private scopesOf(payload: JWTPayload): string[] {
    const claim = this.options.scopesClaim;
    const raw = claim !== undefined ? claimAt(payload, claim) : (payload.scope ?? payload.scp);
    const values = typeof raw === "string" ? raw.split(" ") : Array.isArray(raw) ? raw : [];
    // Tokens carry other scopes too (openid, profile, another API's); only ours mean anything here.
    return values.filter((v): v is string => typeof v === "string" && scopeProblem(v) === undefined);
  }

  private tenantOf(payload: JWTPayload): string {
    const tenant = claimAt(payload, this.options.tenantClaim);
    return typeof tenant === "string" && tenant !== "" ? tenant : "default";
  }
}

/** `a.b.c` walks nested objects (Keycloak puts roles under `realm_access.roles`). */
function claimAt(payload: JWTPayload, path: string): unknown {
  if (path in payload) return payload[path];
  let value: unknown = payload;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Says what was wrong without echoing the token or any key. */
function describeFailure(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "token expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "aud") return "wrong audience (aud)";
    if (error.claim === "iss") return "wrong issuer (iss)";
    if (error.claim === "nbf") return "token not yet valid (nbf)";
    return `claim '${error.claim}' invalid: ${error.reason}`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return "signature algorithm not allowed";
  if (error instanceof errors.JWKSNoMatchingKey) return "no signing key of the issuer matches the token's kid";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "signature does not verify";
  if (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid) return "not a well-formed JWT";
  if (error instanceof errors.JOSEError) return error.code;
  return "token could not be verified";
}
