/**
 * The route × credential matrix in oidc mode (issue 18): every guarded operation of the OpenAPI
 * document × (no credential, malformed, a token signed by a key the issuer does not publish, an
 * expired token, a wrong audience, `alg: none`, an API key while only oidc is on, a token lacking the
 * route's scope, one holding it) against a control plane trusting a real issuer on loopback.
 * Then the HTTP behaviour around it: mixed mode, the fast :invoke path, the audit actor, and an
 * issuer whose keys cannot be fetched.
 */
import { afterAll, describe, expect, test } from "bun:test";
import type { RouteRule } from "../../src/auth/route-scopes";
import { authedControlPlane, withAuth } from "../support/auth";
import {
  documentedOperations,
  expectMatrixRow,
  guardedOperations,
  lacking,
  type MatrixCase,
  ruleOf,
} from "../support/auth-matrix";
import { jsonRequest, testControlPlane } from "../support/control-plane";
import { makeSigningKey, OIDC_AUDIENCE, TestIssuer } from "../support/oidc-issuer";

const issuer = await TestIssuer.start();
afterAll(() => issuer.stop());
const operations = await documentedOperations();
const stranger = await makeSigningKey(issuer.current.kid);
const unsecured = issuer.unsecuredToken();

async function casesFor(rule: RouteRule): Promise<MatrixCase[]> {
  const apiKey = await authedControlPlane().bearer(["admin"]);
  return [
    ["no credential", undefined, 401],
    ["malformed", "Token abc", 401],
    ["wrong (unpublished key)", `Bearer ${await issuer.token({ key: stranger })}`, 401],
    ["expired", `Bearer ${await issuer.token({ expiresIn: -3600 })}`, 401],
    ["wrong audience", `Bearer ${await issuer.token({ aud: "other-api" })}`, 401],
    ["alg none", `Bearer ${unsecured}`, 401],
    ["an API key (oidc only)", apiKey, 401],
    ["lacking the scope", await issuer.bearer([lacking(rule)]), 403],
    ["holding it", await issuer.bearer([rule.access]), "allowed"],
  ];
}

describe("route × credential matrix (NANOFAAS_AUTH=oidc)", () => {
  test.each(guardedOperations(operations).map((op) => [`${op.method} ${op.path}`, op] as const))(
    "%s",
    async (_, op) => {
      const cp = testControlPlane(issuer.env({ NANOFAAS_ADMIN_RUNTIME_CONFIG_ENABLED: "true" }));
      await expectMatrixRow(cp, op, await casesFor(ruleOf(op)!));
    },
  );
});

describe("oidc over HTTP", () => {
  test("apikey,oidc: both credentials work; the sync :invoke fast path takes a token; the audit names the subject", async () => {
    const cp = testControlPlane(issuer.env({ NANOFAAS_AUTH: "apikey,oidc" }));
    const key = await cp.auth.apiKeys.create({ name: "k", scopes: ["admin"], tenant: "default", expiresAt: null });
    const token = `Bearer ${await issuer.token({ scopes: ["functions:write", "functions:invoke"], sub: "erin" })}`;
    const reg = await cp.app.request(
      "/v1/functions",
      withAuth(token, jsonRequest("POST", { name: "echo", executionMode: "LOCAL" })),
    );
    expect(reg.status).toBe(201);
    const invoked = await cp.fetch(
      new Request("http://localhost/v1/functions/echo:invoke", withAuth(token, jsonRequest("POST", { input: 7 }))),
    );
    expect(invoked.status).toBe(200);
    expect((await cp.app.request("/v1/functions", withAuth(`Bearer ${key.secret}`))).status).toBe(200);
    const audit = await (
      await cp.app.request("/v1/audit?action=function.create", withAuth(`Bearer ${key.secret}`))
    ).json();
    expect(audit.items[0]).toMatchObject({ actor: "oidc:erin", action: "function.create" });
  });

  test("a bad token: 401 with WWW-Authenticate error=invalid_token and the reason, never the token", async () => {
    const cp = testControlPlane(issuer.env());
    const expired = await issuer.token({ expiresIn: -3600 });
    const res = await cp.app.request("/v1/functions", withAuth(`Bearer ${expired}`));
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="nanofaas", error="invalid_token"');
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({ error: "UNAUTHENTICATED", message: "Invalid token: token expired" });
    expect(body).not.toContain(expired.split(".")[2]!);
  });

  test("issuer keys unreachable: 503 AUTH_UNAVAILABLE with Retry-After (not a 401 that would send users to log in again)", async () => {
    issuer.down = true;
    try {
      const cp = testControlPlane(issuer.env());
      const res = await cp.app.request("/v1/functions", withAuth(await issuer.bearer(["admin"])));
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect((await res.json()).error).toBe("AUTH_UNAVAILABLE");
      // Repeated, it neither stalls nor locks the client out as if it were guessing (no 429).
      for (let i = 0; i < 30; i++)
        expect((await cp.app.request("/v1/functions", withAuth(await issuer.bearer(["admin"])))).status).toBe(503);
    } finally {
      issuer.down = false;
    }
  });
});
