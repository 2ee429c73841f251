import { expect, test } from "bun:test";
import { authedControlPlane, withAuth } from "../../../test/support/auth";
import { jsonRequest, testControlPlane } from "../../../test/support/control-plane";

const post = (body: unknown) => jsonRequest("POST", body);
const put = (body: unknown) => jsonRequest("PUT", body);

test("create → 201 with the tenant; get, list; a second create is 409 CONFLICT", async () => {
  const { app } = testControlPlane();
  const created = await app.request("/v1/tenants", post({ name: "team-a", quotas: { maxFunctions: 3 } }));
  expect(created.status).toBe(201);
  expect(await created.json()).toMatchObject({
    name: "team-a",
    quotas: { maxFunctions: 3 },
    source: "api",
    functions: 0,
  });
  expect((await app.request("/v1/tenants/team-a")).status).toBe(200);
  const list = (await (await app.request("/v1/tenants")).json()) as { items: { name: string }[] };
  expect(list.items.map((t) => t.name)).toEqual(["default", "team-a"]);
  const again = await app.request("/v1/tenants", post({ name: "team-a" }));
  expect(again.status).toBe(409);
  expect(((await again.json()) as { error: string }).error).toBe("CONFLICT");
});

test.each([
  [{ name: "a/b" }, "name"],
  [{ name: "a", quotas: { maxConcurrency: 0 } }, "quotas.maxConcurrency"],
  [{ name: "a", quotas: { maxQueued: 2.5 } }, "quotas.maxQueued"],
  [{ name: "a", quotas: { maxFunctions: 10_000_000 } }, "quotas.maxFunctions"],
  [{ name: "a", quotas: { unknown: 1 } }, "quotas"],
  [{ quotas: {} }, "name"],
])("create %j → 400 VALIDATION_ERROR naming %s, nothing created", async (body, field) => {
  const { app, tenants } = testControlPlane();
  const res = await app.request("/v1/tenants", post(body));
  expect(res.status).toBe(400);
  const envelope = (await res.json()) as { error: string; details: string[] };
  expect(envelope.error).toBe("VALIDATION_ERROR");
  expect(envelope.details.join(" ")).toContain(field);
  expect(tenants.list().map((t) => t.name)).toEqual(["default"]);
});

test("put replaces the quotas; a name in the body must be the path's; unknown tenant 404", async () => {
  const { app } = testControlPlane();
  await app.request("/v1/tenants", post({ name: "a", quotas: { maxFunctions: 3, maxJobs: 2 } }));
  const updated = await app.request("/v1/tenants/a", put({ quotas: { maxRequestsPerSecond: 9 } }));
  expect(updated.status).toBe(200);
  expect(((await updated.json()) as { quotas: unknown }).quotas).toEqual({ maxRequestsPerSecond: 9 });
  expect((await app.request("/v1/tenants/a", put({ name: "b", quotas: {} }))).status).toBe(400);
  expect((await app.request("/v1/tenants/nope", put({ quotas: {} }))).status).toBe(404);
  expect((await app.request("/v1/tenants/nope")).status).toBe(404);
});

test("delete: 204, then 404; default cannot be deleted (409)", async () => {
  const { app } = testControlPlane();
  await app.request("/v1/tenants", post({ name: "a" }));
  expect((await app.request("/v1/tenants/a", { method: "DELETE" })).status).toBe(204);
  expect((await app.request("/v1/tenants/a", { method: "DELETE" })).status).toBe(404);
  expect((await app.request("/v1/tenants/default", { method: "DELETE" })).status).toBe(409);
  expect((await app.request("/v1/tenants/a?force=maybe", { method: "DELETE" })).status).toBe(400);
});

test("tenants are stored: a control plane on the same store loads them", async () => {
  const first = testControlPlane();
  await first.app.request("/v1/tenants", post({ name: "a", quotas: { maxQueued: 4 } }));
  const second = testControlPlane({}, { store: first.store });
  await second.tenants.load();
  expect(second.tenants.get("a")?.quotas).toEqual({ maxQueued: 4 });
});

test("only an admin may manage tenants; the call is audited", async () => {
  const { cp, bearer } = authedControlPlane();
  const writer = await bearer(["functions:write", "functions:read"]);
  const admin = await bearer(["admin"]);
  const refused = await cp.app.request("/v1/tenants", withAuth(writer, post({ name: "a" })));
  expect(refused.status).toBe(403);
  expect((await cp.app.request("/v1/tenants", withAuth(writer))).status).toBe(403);
  expect((await cp.app.request("/v1/tenants", withAuth(admin, post({ name: "a" })))).status).toBe(201);
  await cp.auth.auditRows.flush();
  const events = await cp.auth.auditRows.list({ limit: 10, action: "tenant.create" });
  expect(events.items.map((e) => [e.outcome, e.target])).toEqual([["success", "a"]]);
  const denied = await cp.auth.auditRows.list({ limit: 10, action: "auth.denied" });
  expect(denied.items.map((e) => e.target)).toContain("POST /v1/tenants");
});
