import { describe, expect, test } from "bun:test";
import { authedControlPlane, withAuth } from "../../test/support/auth";
import { jsonRequest, serveControlPlane } from "../../test/support/control-plane";

const echo = { name: "echo", executionMode: "LOCAL" };
const invokeUrl = (name: string) => `http://localhost/v1/functions/${name}:invoke`;

describe("API keys (NANOFAAS_AUTH=apikey)", () => {
  test("no credential: 401 UNAUTHENTICATED with WWW-Authenticate: Bearer, on the app and the fast path", async () => {
    const { cp } = authedControlPlane();
    const listed = await cp.app.request("/v1/functions");
    expect(listed.status).toBe(401);
    expect(listed.headers.get("www-authenticate")).toBe('Bearer realm="nanofaas"');
    expect((await listed.json()).error).toBe("UNAUTHENTICATED");
    const invoked = await cp.fetch(new Request(invokeUrl("echo"), jsonRequest("POST", { input: 1 })));
    expect(invoked.status).toBe(401);
    expect(invoked.headers.get("www-authenticate")).toStartWith("Bearer");
  });

  test("a key created through /v1/apikeys works at once, is shown once, and stops working when revoked", async () => {
    const { cp, bearer } = authedControlPlane();
    const admin = await bearer(["admin"]);
    const created = await cp.app.request(
      "/v1/apikeys",
      withAuth(admin, jsonRequest("POST", { name: "reader", scopes: ["functions:read"] })),
    );
    expect(created.status).toBe(201);
    const body = await created.json();
    expect(body).toMatchObject({ name: "reader", scopes: ["functions:read"], tenant: "default", expiresAt: null });
    expect(body.key).toMatch(/^nfk_[A-Za-z0-9_-]{43}$/);
    expect(body.key.startsWith(body.prefix)).toBe(true);
    const reader = `Bearer ${body.key}`;
    expect((await cp.app.request("/v1/functions", withAuth(reader))).status).toBe(200);

    const listed = await (await cp.app.request("/v1/apikeys", withAuth(admin))).text();
    expect(listed).toContain(body.prefix);
    expect(listed).not.toContain(body.key);
    const one = await cp.app.request(`/v1/apikeys/${body.id}`, withAuth(admin));
    expect(await one.json()).not.toHaveProperty("key");

    expect((await cp.app.request(`/v1/apikeys/${body.id}`, withAuth(admin, { method: "DELETE" }))).status).toBe(204);
    const after = await cp.app.request("/v1/functions", withAuth(reader));
    expect(after.status).toBe(401);
    expect(after.headers.get("www-authenticate")).toBe('Bearer realm="nanofaas", error="invalid_token"');
    expect((await cp.app.request(`/v1/apikeys/${body.id}`, withAuth(admin, { method: "DELETE" }))).status).toBe(404);
  });

  test("a key lacking the scope: 403 FORBIDDEN naming it in details", async () => {
    const { cp, bearer } = authedControlPlane();
    const reader = await bearer(["functions:read"]);
    const res = await cp.app.request("/v1/functions", withAuth(reader, jsonRequest("POST", echo)));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: "FORBIDDEN",
      message: "This credential lacks the scope 'functions:write'",
      details: [{ scope: "functions:write" }],
    });
  });

  test("functions:invoke:<glob> invokes matching functions only, on the fast path and the app alike", async () => {
    const { cp, bearer } = authedControlPlane();
    const admin = await bearer(["admin"]);
    for (const name of ["report-daily", "echo"])
      await cp.app.request("/v1/functions", withAuth(admin, jsonRequest("POST", { ...echo, name })));
    const narrow = await bearer(["functions:invoke:report-*"]);
    const call = (name: string, handler: (r: Request) => Response | Promise<Response>) =>
      handler(new Request(invokeUrl(name), withAuth(narrow, jsonRequest("POST", { input: 1 }))));
    for (const handler of [cp.fetch, cp.app.fetch]) {
      expect((await call("report-daily", handler)).status).toBe(200);
      const refused = await call("echo", handler);
      expect(refused.status).toBe(403);
      expect((await refused.json()).details).toEqual([{ scope: "functions:invoke" }]);
    }
  });

  test("malformed, unknown and expired credentials are 401 (never 500)", async () => {
    const { cp, bearer } = authedControlPlane();
    const expiring = await bearer(["admin"], Date.now() + 50);
    for (const authorization of ["Basic abc", "Bearer", "Bearer a b", `Bearer nfk_${"x".repeat(43)}`, "Bearer a.b.c"]) {
      const res = await cp.app.request("/v1/functions", withAuth(authorization));
      expect([authorization, res.status]).toEqual([authorization, 401]);
    }
    await Bun.sleep(60);
    const expired = await cp.app.request("/v1/functions", withAuth(expiring));
    expect(expired.status).toBe(401);
    expect((await expired.json()).message).toBe("API key expired");
  });

  test("a source that keeps failing is slowed: 429 with Retry-After, even with a good key", async () => {
    const { cp, bearer } = authedControlPlane();
    const good = await bearer(["functions:read"]);
    const served = serveControlPlane(cp);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 21; i++)
        statuses.push(
          (await fetch(`${served.url}/v1/functions`, withAuth("Bearer nfk_wrongwrongwrongwrongwrongwrongwrongwr")))
            .status,
        );
      expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
      expect(statuses[20]).toBe(429);
      const locked = await fetch(`${served.url}/v1/functions`, withAuth(good));
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await locked.json()).error).toBe("RATE_LIMITED");
    } finally {
      await served.stop();
    }
  });

  test("public routes stay open: /openapi.json declares the bearer scheme for /docs", async () => {
    const { cp } = authedControlPlane();
    const res = await cp.app.request("/openapi.json");
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(doc.paths["/openapi.json"]?.get?.security ?? []).toEqual([]);
    expect(doc.paths["/v1/functions"].post.responses["403"]).toBeDefined();
    expect((await cp.app.request("/docs")).status).toBe(200);
  });

  test("an unknown path needs a credential before it is a 404", async () => {
    const { cp, bearer } = authedControlPlane();
    expect((await cp.app.request("/v1/nothing")).status).toBe(401);
    expect((await cp.app.request("/v1/nothing", withAuth(await bearer(["functions:read"])))).status).toBe(404);
  });
});

describe("mode none", () => {
  test("nothing is checked (loopback only): requests without credentials pass", async () => {
    const { testControlPlane } = await import("../../test/support/control-plane");
    const cp = testControlPlane();
    expect((await cp.app.request("/v1/functions", jsonRequest("POST", echo))).status).toBe(201);
    expect((await cp.fetch(new Request(invokeUrl("echo"), jsonRequest("POST", { input: 1 })))).status).toBe(200);
  });
});
