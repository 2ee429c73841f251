/**
 * The route × credential matrix harness (issue 18), shared by the apikey-mode and oidc-mode
 * matrices: the operations of the app's own OpenAPI document, their rules in src/auth/route-scopes.ts,
 * and one run of every credential case against one operation.
 */
import { expect } from "bun:test";
import { ROUTE_RULES, type RouteRule } from "../../src/auth/route-scopes";
import type { ControlPlane } from "../../src/control-plane";
import { authedControlPlane } from "./auth";

const METHODS = ["get", "post", "put", "patch", "delete"];

export interface Operation {
  method: string;
  path: string;
}

/** Every operation the OpenAPI document lists. */
export async function documentedOperations(): Promise<Operation[]> {
  const doc = (await (await authedControlPlane().cp.app.request("/openapi.json")).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => METHODS.includes(m))
      .map((m) => ({ method: m.toUpperCase(), path })),
  );
}

export const ruleOf = (op: Operation): RouteRule | undefined =>
  ROUTE_RULES.find((r) => r.method === op.method && r.path === op.path);

/** The operations a credential is checked on (not public, not the runtime callback). */
export const guardedOperations = (operations: Operation[]): Operation[] =>
  operations.filter((op) => {
    const rule = ruleOf(op);
    return rule !== undefined && rule.access !== "public" && rule.access !== "callback";
  });

/** A scope that does not grant `rule`'s access. */
export const lacking = (rule: RouteRule): string =>
  rule.access === "functions:read" ? "executions:read" : "functions:read";

/** `[label, Authorization header or undefined, expected 401 | 403 | "allowed"]`. */
export type MatrixCase = readonly [string, string | undefined, 401 | 403 | "allowed"];

const concrete = (path: string) => path.replace(/\{[^}]+\}/g, "x");

/** Sends `op` once per case; never a 500; each case's outcome as expected. */
export async function expectMatrixRow(cp: ControlPlane, op: Operation, cases: readonly MatrixCase[]): Promise<void> {
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
}

export { concrete };
