/**
 * The route × credential matrix (issue 18): every operation of the app's own OpenAPI document,
 * with no credential, a malformed one, a wrong key, an expired key, a revoked key, a key lacking
 * the route's scope and a key holding it → 401, 401, 401, 401, 401, 403, neither. The route list
 * comes from the document, so a new route without a line in src/auth/route-scopes.ts fails here.
 * The same matrix in oidc mode: auth-matrix-oidc.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { keyPrefix, newKeySecret, sha256Hex } from "../../src/auth/api-key-secret";
import { ROUTE_RULES, type RouteRule } from "../../src/auth/route-scopes";
import { authedControlPlane } from "../support/auth";
import {
  concrete,
  documentedOperations,
  expectMatrixRow,
  guardedOperations,
  lacking,
  type MatrixCase,
  ruleOf,
} from "../support/auth-matrix";

const operations = await documentedOperations();

async function credentialsFor(rule: RouteRule) {
  const { cp, bearer } = authedControlPlane({ NANOFAAS_ADMIN_RUNTIME_CONFIG_ENABLED: "true" });
  const expired = newKeySecret();
  await cp.auth.apiKeys.load([
    {
      id: "file:old",
      name: "old",
      prefix: keyPrefix(expired),
      keySha256: sha256Hex(expired),
      scopes: ["admin"],
      tenant: "default",
      createdAt: 0,
      expiresAt: 1,
    },
  ]);
  const revoked = await cp.auth.apiKeys.create({ name: "r", scopes: ["admin"], tenant: "default", expiresAt: null });
  await cp.auth.apiKeys.revoke(revoked.key.id);
  const cases: MatrixCase[] = [
    ["no credential", undefined, 401],
    ["malformed", "Token abc", 401],
    ["wrong", `Bearer ${newKeySecret()}`, 401],
    ["expired", `Bearer ${expired}`, 401],
    ["revoked", `Bearer ${revoked.secret}`, 401],
    ["lacking the scope", await bearer([lacking(rule)]), 403],
    ["holding it", await bearer([rule.access]), "allowed"],
  ];
  return { cp, cases };
}

describe("route × credential matrix (NANOFAAS_AUTH=apikey)", () => {
  test("the document lists the routes (sanity) and every one has a rule in the route table", () => {
    expect(operations.length).toBeGreaterThan(20);
    expect(operations.filter((op) => !ruleOf(op)).map((op) => `${op.method} ${op.path}`)).toEqual([]);
  });

  test.each(guardedOperations(operations).map((op) => [`${op.method} ${op.path}`, op] as const))(
    "%s",
    async (_, op) => {
      const { cp, cases } = await credentialsFor(ruleOf(op)!);
      await expectMatrixRow(cp, op, cases);
    },
  );

  test("public routes answer without a credential; the callback route takes no API key", async () => {
    // With the web console served, so its public routes (/ui…) exist.
    const { cp, bearer } = authedControlPlane({}, { console: async () => ({ js: "", css: "", version: "x" }) });
    // Each public rule with its own method (GET /v1/webhooks/{id} is not public; POST is the signed delivery).
    for (const rule of ROUTE_RULES.filter((r) => r.access === "public")) {
      const status = (await cp.app.request(concrete(rule.path), { method: rule.method })).status;
      expect([rule.method, rule.path, status]).not.toEqual([rule.method, rule.path, 401]);
    }
    const admin = await bearer(["admin"]);
    const callback = await cp.app.request("/v1/internal/executions/x:complete", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: admin, "x-dispatch-attempt": "1" },
      body: JSON.stringify({ success: true, output: 1, error: null }),
    });
    expect(callback.status).toBe(401);
  });
});
