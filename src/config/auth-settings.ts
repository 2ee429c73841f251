/**
 * @module
 * Authentication settings (issue 18, SPEC-platform §2), spread into SETTINGS by config.ts.
 */
import { z } from "zod";
import { bool, commandList, duration, url } from "./fields";

export type AuthMethod = "apikey" | "oidc";
/** Algorithms a token may be signed with by default: asymmetric only (never `none`, never HS*). */
export const DEFAULT_OIDC_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "EdDSA",
];

/** `none` → []; `apikey`, `oidc` or both (comma-separated, any order). */
const authModes = () =>
  z
    .string()
    .default("none")
    .transform((text, ctx) => {
      const parts = text.split(",").map((p) => p.trim().toLowerCase());
      if (parts.length === 1 && parts[0] === "none") return [] as AuthMethod[];
      const valid = parts.every((p) => p === "apikey" || p === "oidc") && new Set(parts).size === parts.length;
      if (valid) return parts as AuthMethod[];
      ctx.addIssue({ code: "custom", message: "expected none, apikey, oidc or apikey,oidc" });
      return z.NEVER;
    });

/** Comma-separated JWS algorithm names; `none` and the HMAC family are refused. */
const algorithms = () =>
  commandList().transform((list, ctx) => {
    if (list.length === 0) return DEFAULT_OIDC_ALGORITHMS;
    const bad = list.find((alg) => alg.toLowerCase() === "none" || /^HS/i.test(alg));
    if (bad === undefined) return list;
    ctx.addIssue({ code: "custom", message: `'${bad}' is not allowed (no 'none', no shared-secret HS* algorithms)` });
    return z.NEVER;
  });

const s = <T extends z.ZodType>(env: string, schema: T, doc: string) => ({ env: [env] as const, schema, doc });

export const AUTH_SETTINGS = {
  authModes: s(
    "NANOFAAS_AUTH",
    authModes(),
    "none | apikey | oidc | apikey,oidc (docs/security.md); none binds only to loopback unless NANOFAAS_AUTH_ALLOW_ANONYMOUS=true",
  ),
  authAllowAnonymous: s(
    "NANOFAAS_AUTH_ALLOW_ANONYMOUS",
    bool().default(false),
    "let NANOFAAS_AUTH=none listen beyond loopback (a start-up warning says so)",
  ),
  apiKeysFile: s(
    "NANOFAAS_API_KEYS_FILE",
    z.string().optional(),
    "bootstrap API keys, YAML `keys: [{name, key | keySha256, scopes, tenant?, expiresAt?}]`",
  ),
  apiKeysRefreshMs: s(
    "NANOFAAS_API_KEYS_REFRESH",
    duration(0).prefault("5s"),
    "how often API keys are re-read from the store, so a key created or revoked on another control plane sharing it takes effect here within this bound (0: only at start-up)",
  ),
  oidcIssuer: s("NANOFAAS_OIDC_ISSUER", url().optional(), "OIDC issuer (`iss`); required with oidc"),
  oidcAudience: s("NANOFAAS_OIDC_AUDIENCE", z.string().optional(), "expected `aud` of tokens; required with oidc"),
  oidcJwksUrl: s(
    "NANOFAAS_OIDC_JWKS_URL",
    url().optional(),
    "the issuer's JWKS (default: jwks_uri from <issuer>/.well-known/openid-configuration)",
  ),
  oidcScopesClaim: s(
    "NANOFAAS_OIDC_SCOPES_CLAIM",
    z.string().optional(),
    "claim holding the scopes (default: `scope`, a space-separated string, else `scp`, a list)",
  ),
  oidcTenantClaim: s("NANOFAAS_OIDC_TENANT_CLAIM", z.string().default("tenant"), "claim naming the tenant"),
  oidcAlgorithms: s(
    "NANOFAAS_OIDC_ALGORITHMS",
    algorithms(),
    "accepted token signature algorithms (default: RS*, PS*, ES256, ES384, EdDSA; none and HS* are refused)",
  ),
  oidcClockSkewMs: s("NANOFAAS_OIDC_CLOCK_SKEW", duration(0, 600_000).prefault("30s"), "tolerance on exp/nbf/iat"),
  metricsToken: s(
    "NANOFAAS_METRICS_TOKEN",
    z.string().optional(),
    "bearer token /metrics requires when set (probes stay open)",
  ),
  callbackSecret: s(
    "NANOFAAS_CALLBACK_SECRET",
    z.string().min(16, "must be at least 16 characters").optional(),
    "HMAC key of callback tokens (default: random per start; set it so Jobs running across a restart can still call back)",
  ),
  auditRetentionMs: s("NANOFAAS_AUDIT_RETENTION", duration().prefault("30d"), "how long audit events are kept"),
};
