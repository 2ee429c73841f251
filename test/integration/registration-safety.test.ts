/**
 * Registrations that must never be accepted, however they are phrased (issue 13: safe under
 * hostile input): URLs Bun's fetch would read from disk, and the answers a client gets.
 */
import { describe, expect, test } from "bun:test";
import { jsonRequest, testControlPlane } from "../support/control-plane";

const register = (cp: ReturnType<typeof testControlPlane>, spec: unknown) => cp.app.request("/v1/functions", jsonRequest("POST", spec));

describe("endpointUrl: http and https only", () => {
  test.each([
    "file:///srv/app/secrets.json",
    "file:///var/run/secrets/kubernetes.io/serviceaccount/token",
    "data:application/json,{}",
    "ftp://files.example/x",
    "",
  ])("%p → 400 naming endpointUrl, nothing registered", async (endpointUrl) => {
    const cp = testControlPlane();
    const res = await register(cp, { name: "leak", executionMode: "POOL", endpointUrl });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toMatchObject({ error: "VALIDATION_ERROR", details: ["endpointUrl: must be an absolute http:// or https:// URL"] });
    expect(cp.functions.list()).toEqual([]);
  });

  test.each(["http://127.0.0.1:9/invoke", "https://fn.example/invoke"])("%p is accepted", async (endpointUrl) => {
    const res = await register(testControlPlane(), { name: "ok", executionMode: "POOL", endpointUrl });
    expect(res.status).toBe(201);
  });
});
