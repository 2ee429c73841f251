/**
 * @module
 * Who made a request, as the rest of the control plane sees it, and why a request was refused.
 */
import type { ScopeSet } from "./scopes";

export interface Principal {
  /** `apikey:<prefix>`, `oidc:<subject>`, `anonymous` or `callback`: safe to log, never a secret. */
  actor: string;
  tenant: string;
  scopes: ScopeSet;
}

/**
 * A refusal, rendered by the API layer as the error envelope (status 401, 403 or 429; 503 when the
 * OIDC issuer's keys cannot be fetched, so a good token cannot be told from a bad one).
 */
export interface Denial {
  status: 401 | 403 | 404 | 429 | 503;
  /** NOT_FOUND: X-Nanofaas-Tenant names a tenant that does not exist (api/auth-gate.ts). */
  code: "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "RATE_LIMITED" | "AUTH_UNAVAILABLE";
  message: string;
  /** 403: the scope that was missing. */
  scope?: string;
  retryAfterSeconds?: number;
  /** 401: the RFC 6750 `error` attribute (`invalid_token` when a credential was sent). */
  bearerError?: "invalid_token";
  /** Who was refused, when the credential itself was good (403). */
  principal?: Principal;
}

export type Verdict = { principal: Principal; denial?: undefined } | { denial: Denial; principal?: undefined };

export const unauthenticated = (message: string, sent: boolean): Denial => ({
  status: 401,
  code: "UNAUTHENTICATED",
  message,
  bearerError: sent ? "invalid_token" : undefined,
});
