/**
 * A control plane with API keys on (NANOFAAS_AUTH=apikey), and a way to mint keys with given
 * scopes for a test.
 */
import type { ControlPlane, ControlPlaneOptions } from "../../src/control-plane";
import { testControlPlane } from "./control-plane";

export interface AuthedControlPlane {
  cp: ControlPlane;
  /** A fresh key holding `scopes`; its `Authorization` header value. */
  bearer(scopes: string[], expiresAt?: number | null): Promise<string>;
}

export function authedControlPlane(
  env: Record<string, string> = {},
  options: Partial<ControlPlaneOptions> = {},
): AuthedControlPlane {
  const cp = testControlPlane({ NANOFAAS_AUTH: "apikey", ...env }, options);
  return {
    cp,
    bearer: async (scopes, expiresAt = null) => {
      const made = await cp.auth.apiKeys.create({
        name: `test-${scopes.join("+")}`,
        scopes,
        tenant: "default",
        expiresAt,
      });
      return `Bearer ${made.secret}`;
    },
  };
}

export const withAuth = (authorization: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), authorization },
});
