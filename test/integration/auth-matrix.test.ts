/**
 * The route × credential matrix (issue 18): every operation of the app's own OpenAPI document,
 * with no credential, a malformed one, a wrong key, an expired key, a revoked key, a key lacking
 * the route's scope and a key holding it → 401, 401, 401, 401, 401, 403, neither. The route list
 * comes from the document, so a new route without a line in src/auth/route-scopes.ts fails here.
 */
import { describe, expect, test } from "bun:test";
import { keyPrefix, newKeySecret, sha256Hex } from "../../src/auth/api-key-secret";
import { ROUTE_RULES, type RouteRule } from "../../src/auth/route-scopes";
import { authedControlPlane } from "../support/auth";

const doc = (await (await authedControlPlane().cp.app.request("/openapi.json")).json()) as {
  paths: Record<string, Record<string, unknown>>;
};
const METHODS = ["get", "post", "put", "patch", "delete"];
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.keys(item)
    .filter((m) => METHODS.includes(m))
    .map((m) => ({ method: m.toUpperCase(), path })),
);
const ruleOf = (op: { method: string; path: string }) =>
  ROUTE_RULES.find((r) => r.method === op.method && r.path === op.path);

/** A scope that does not grant `rule`'s access. */
const lacking = (rule: RouteRule) => (rule.access === "functions:read" ? "executions:read" : "functions:read");

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
  return {
    cp,
    cases: [
      ["no credential", undefined, 401],
      ["malformed", "Token abc", 401],
      ["wrong", `Bearer ${newKeySecret()}`, 401],
      ["expired", `Bearer ${expired}`, 401],
      ["revoked", `Bearer ${revoked.secret}`, 401],
      ["lacking the scope", await bearer([lacking(rule)]), 403],
      ["holding it", await bearer([rule.access]), "allowed"],
    ] as const,
  };
}

const concrete = (path: string) => path.replace(/\{[^}]+\}/g, "x");

describe("route × credential matrix (NANOFAAS_AUTH=apikey)", () => {
  test("the document lists the routes (sanity) and every one has a rule in the route table", () => {
    expect(operations.length).toBeGreaterThan(20);
    expect(operations.filter((op) => !ruleOf(op)).map((op) => `${op.method} ${op.path}`)).toEqual([]);
  });

  const guarded = operations.filter((op) => ruleOf(op) && !["public", "callback"].includes(ruleOf(op)!.access));
  test.each(guarded.map((op) => [`${op.method} ${op.path}`, op] as const))("%s", async (_, op) => {
    const rule = ruleOf(op)!;
    const { cp, cases } = await credentialsFor(rule);
    const seen: [string, number | string][] = [];
    for (const [label, authorization] of cases) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (authorization) headers.authorization = authorization;
      const body = op.method === "GET" || op.method === "DELETE" ? undefined : "{}";
      const res = await cp.fetch(
        new Request(`http://localhost${concrete(op.path)}`, { method: op.method, headers, body }),
      );
      const status = res.status === 401 || res.status === 403 ? res.status : "allowed";
      seen.push([label, status]);
      expect(status === "allowed" ? res.status : status).not.toBe(500);
    }
    expect(seen).toEqual(cases.map(([label, , expected]) => [label, expected]));
  });

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
