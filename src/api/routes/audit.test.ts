import { describe, expect, test } from "bun:test";
import { Writable } from "node:stream";
import { createLogger } from "../../observability/logger";
import { authedControlPlane, withAuth } from "../../../test/support/auth";
import { jsonRequest } from "../../../test/support/control-plane";

/** A logger whose JSON lines are kept for the test to read. */
function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).trim().split("\n"));
      done();
    },
  });
  return { logger: createLogger({ level: "info", destination }), lines };
}

describe("the audit log", () => {
  test("mutating and denied calls are events in the store and JSON lines; reads are not; no secret anywhere", async () => {
    const { logger, lines } = capturedLogger();
    const { cp, bearer } = authedControlPlane({}, { logger });
    const admin = await bearer(["admin"]);
    const reader = await bearer(["functions:read"]);
    await cp.app.request(
      "/v1/functions",
      withAuth(admin, jsonRequest("POST", { name: "echo", executionMode: "LOCAL" })),
    );
    await cp.app.request("/v1/functions", withAuth(admin));
    await cp.app.request("/v1/functions/echo", withAuth(reader, { method: "DELETE" }));
    await cp.app.request("/v1/functions", withAuth("Bearer nfk_not-a-real-key-not-a-real-key-xx"));
    const created = await cp.app.request(
      "/v1/apikeys",
      withAuth(admin, jsonRequest("POST", { name: "ci", scopes: ["admin"] })),
    );
    const secret = (await created.json()).key as string;

    const res = await cp.app.request("/v1/audit", withAuth(admin));
    expect(res.status).toBe(200);
    const { items, nextCursor } = await res.json();
    expect(nextCursor).toBeNull();
    const adminActor = `apikey:${admin.slice("Bearer ".length, "Bearer ".length + 12)}`;
    expect(items.map((e: Record<string, unknown>) => [e.action, e.target, e.outcome, e.status, e.actor])).toEqual([
      ["apikey.create", expect.any(String), "success", 201, adminActor],
      ["auth.denied", "GET /v1/functions", "denied", 401, "anonymous"],
      ["auth.denied", "DELETE /v1/functions/echo", "denied", 403, `apikey:${reader.slice(7, 19)}`],
      ["function.create", "echo", "success", 201, adminActor],
    ]);
    expect(items[0]).toMatchObject({ tenant: "default", source: "local", requestId: expect.any(String) });
    expect(new Date(items[0].time).toISOString()).toBe(items[0].time);

    const auditLines = lines.filter((line) => JSON.parse(line).msg === "audit");
    expect(auditLines).toHaveLength(4);
    for (const leaked of [secret, admin.slice(7), reader.slice(7), "nfk_not-a-real-key"]) {
      expect(lines.join("\n")).not.toContain(leaked);
      expect(JSON.stringify(items)).not.toContain(leaked);
    }
  });

  test("filters by action and actor; pages with a cursor; a garbage cursor is 400", async () => {
    const { cp, bearer } = authedControlPlane();
    const admin = await bearer(["admin"]);
    for (const name of ["a", "b", "c"])
      await cp.app.request("/v1/functions", withAuth(admin, jsonRequest("POST", { name, executionMode: "LOCAL" })));
    await cp.app.request("/v1/functions");
    const get = async (query: string) => (await cp.app.request(`/v1/audit?${query}`, withAuth(admin))).json();
    const first = await get("action=function.create&limit=2");
    expect(first.items.map((e: { target: string }) => e.target)).toEqual(["c", "b"]);
    const second = await get(`action=function.create&limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((e: { target: string }) => e.target)).toEqual(["a"]);
    expect(second.nextCursor).toBeNull();
    expect((await get("actor=anonymous")).items.map((e: { action: string }) => e.action)).toEqual(["auth.denied"]);
    expect((await get(`since=${new Date(Date.now() + 60_000).toISOString()}`)).items).toEqual([]);
    const bad = await cp.app.request("/v1/audit?cursor=garbage", withAuth(admin));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe("BAD_REQUEST");
  });

  test("retention: sweep drops events older than the cut-off", async () => {
    const { cp, bearer } = authedControlPlane();
    const admin = await bearer(["admin"]);
    await cp.app.request("/v1/functions");
    expect(await cp.auth.auditRows.sweep(Date.now() + 1)).toBe(1);
    expect((await (await cp.app.request("/v1/audit", withAuth(admin))).json()).items).toEqual([]);
  });
});
