/**
 * The generated client's `token` option (issue 18.3) against a live control plane with
 * NANOFAAS_AUTH=apikey: the key goes out as `Authorization: Bearer`, a function is asked per
 * request, and without one the API answers 401 in the error envelope.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { authedControlPlane } from "../../test/support/auth";
import { type Served, serveControlPlane } from "../../test/support/control-plane";
import { createNanofaasClient } from "./index";

let served: Served;
let admin: string;
let reader: string;

beforeAll(async () => {
  const { cp, bearer } = authedControlPlane();
  admin = (await bearer(["admin"])).slice("Bearer ".length);
  reader = (await bearer(["functions:read"])).slice("Bearer ".length);
  served = serveControlPlane(cp);
});
afterAll(() => served.stop());

describe("createNanofaasClient({ token })", () => {
  test("without a token: 401 UNAUTHENTICATED as the typed error", async () => {
    const { error, response } = await createNanofaasClient(served.url).GET("/v1/functions");
    expect(response.status).toBe(401);
    expect(error).toMatchObject({ error: "UNAUTHENTICATED" });
  });

  test("a key as a string: register, invoke, list", async () => {
    const client = createNanofaasClient(served.url, { token: admin });
    const created = await client.POST("/v1/functions", { body: { name: "echo", executionMode: "LOCAL" } });
    expect(created.response.status).toBe(201);
    const invoked = await client.POST("/v1/functions/{name}:invoke", {
      params: { path: { name: "echo" } },
      body: { input: { n: 2 } },
    });
    expect(invoked.data?.output).toEqual({ n: 2 });
  });

  test("a function is called per request (a token that changes is picked up); 403 names the scope", async () => {
    let current = reader;
    let calls = 0;
    const client = createNanofaasClient(served.url, { token: () => (calls++, current) });
    expect((await client.GET("/v1/functions")).response.status).toBe(200);
    const denied = await client.GET("/v1/apikeys");
    expect(denied.response.status).toBe(403);
    expect(denied.error).toMatchObject({ error: "FORBIDDEN", details: [{ scope: "admin" }] });
    current = admin;
    expect((await client.GET("/v1/apikeys")).response.status).toBe(200);
    expect(calls).toBe(3);
  });
});
