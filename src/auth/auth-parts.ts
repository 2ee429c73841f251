/**
 * @module
 * Builds the authentication pieces of one control plane from its configuration: the API key
 * registry and the audit log (over the store's rows), the callback token signer, and — unless
 * NANOFAAS_AUTH=none — the guard that checks every request.
 */
import type { Config } from "../config/config";
import type { Logger } from "../observability/logger";
import { createMemoryApiKeyRows } from "../store/memory/apikeys";
import { createMemoryAuditRows } from "../store/memory/audit";
import type { AuditRows, StateStore } from "../store/state-store";
import { ApiKeyRegistry } from "./api-key-registry";
import { AuditLog } from "./audit-log";
import { CallbackTokens } from "./callback-token";
import { AuthGuard, type TokenVerifier } from "./guard";
import { oidcVerifierFrom } from "./oidc";

export interface AuthParts {
  apiKeys: ApiKeyRegistry;
  audit: AuditLog;
  auditRows: AuditRows;
  callbacks: CallbackTokens;
  /** Undefined in mode `none`. */
  guard?: AuthGuard;
}

export interface AuthPartsOptions {
  store?: Pick<StateStore, "apikeys" | "audit">;
  logger: Logger;
  /** The OIDC verifier when NANOFAAS_AUTH includes oidc; default: built from the OIDC settings (oidc.ts). */
  oidc?: TokenVerifier;
  /** Shared with the Job dispatcher, which main.ts builds first; else made here. */
  callbacks?: CallbackTokens;
}

export function createAuthParts(config: Config, options: AuthPartsOptions): AuthParts {
  const apiKeys = new ApiKeyRegistry(options.store?.apikeys ?? createMemoryApiKeyRows());
  const auditRows = options.store?.audit ?? createMemoryAuditRows();
  const callbacks = options.callbacks ?? new CallbackTokens(config.callbackSecret);
  const modes = config.authModes;
  const guard =
    modes.length === 0
      ? undefined
      : new AuthGuard({
          apiKeys: modes.includes("apikey") ? apiKeys : undefined,
          oidc: modes.includes("oidc") ? (options.oidc ?? oidcVerifierFrom(config)) : undefined,
          callbacks,
        });
  return { apiKeys, audit: new AuditLog(auditRows, options.logger), auditRows, callbacks, guard };
}
