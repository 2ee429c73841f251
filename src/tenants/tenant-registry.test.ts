import { expect, test } from "bun:test";
import { createMemoryTenantRows } from "../store/memory/tenant-rows";
import type { TenantRows } from "../store/tenant-rows";
import { type TenantOwnership, TenantRegistry } from "./tenant-registry";
import type { TenantQuotas } from "./tenant-spec";

function setup(options: { rows?: TenantRows; owned?: Map<string, number> } = {}) {
  const rows = options.rows ?? createMemoryTenantRows();
  const owned = options.owned ?? new Map<string, number>();
  const deletedFunctionsOf: string[] = [];
  const ownership: TenantOwnership = {
    functionCount: (t) => owned.get(t) ?? 0,
    deleteFunctions: async (t) => {
      deletedFunctionsOf.push(t);
      owned.delete(t);
    },
  };
  const changes: [string, TenantQuotas | undefined][] = [];
  let clock = 1_000;
  const registry = new TenantRegistry({
    rows,
    ownership,
    listeners: [(t, q) => changes.push([t, q])],
    now: () => clock++,
  });
  return { registry, rows, owned, deletedFunctionsOf, changes };
}

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e) => e as { code: string; message: string },
  );

test("default exists before anything is stored, with no quotas, and cannot be deleted", async () => {
  const { registry } = setup();
  await registry.load();
  expect(registry.get("default")).toMatchObject({ name: "default", quotas: {}, source: "builtin" });
  expect((await errorOf(registry.delete("default", true)))?.code).toBe("CONFLICT");
});

test("create persists, then lists by name; a second create of the name is 409 and changes nothing", async () => {
  const { registry, rows, changes } = setup();
  await registry.create({ name: "team-b", quotas: { maxFunctions: 2 } });
  await registry.create({ name: "team-a" });
  expect(registry.list().map((t) => t.name)).toEqual(["default", "team-a", "team-b"]);
  expect((await rows.loadAll()).map((r) => [r.name, r.quotas])).toEqual([
    ["team-a", {}],
    ["team-b", { maxFunctions: 2 }],
  ]);
  const again = await errorOf(registry.create({ name: "team-b", quotas: { maxFunctions: 9 } }));
  expect(again?.code).toBe("CONFLICT");
  expect(registry.quotas("team-b")).toEqual({ maxFunctions: 2 });
  expect(changes).toEqual([
    ["team-b", { maxFunctions: 2 }],
    ["team-a", {}],
  ]);
});

test("two concurrent creates of one name: one wins, the other is 409", async () => {
  const { registry } = setup();
  const results = await Promise.allSettled([registry.create({ name: "x" }), registry.create({ name: "x" })]);
  expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
});

test("update replaces the quotas (an absent quota is no limit); a missing tenant is 404", async () => {
  const { registry, rows } = setup();
  await registry.create({ name: "a", quotas: { maxFunctions: 2, maxQueued: 5 } });
  await registry.update("a", { maxQueued: 7 });
  expect(registry.quotas("a")).toEqual({ maxQueued: 7 });
  expect((await rows.loadAll())[0]?.quotas).toEqual({ maxQueued: 7 });
  expect((await errorOf(registry.update("nope", {})))?.code).toBe("NOT_FOUND");
});

test("default can be given quotas (it gets a row)", async () => {
  const { registry, rows } = setup();
  await registry.update("default", { maxRequestsPerSecond: 5 });
  expect(registry.get("default")).toMatchObject({ source: "api", quotas: { maxRequestsPerSecond: 5 } });
  expect((await rows.loadAll()).map((r) => r.name)).toEqual(["default"]);
});

test("delete refuses while the tenant owns functions; force deletes them first", async () => {
  const { registry, rows, owned, deletedFunctionsOf, changes } = setup();
  await registry.create({ name: "a" });
  owned.set("a", 2);
  const refused = await errorOf(registry.delete("a", false));
  expect(refused?.code).toBe("CONFLICT");
  expect(refused?.message).toContain("owns 2 function(s)");
  expect(registry.has("a")).toBe(true);
  await registry.delete("a", true);
  expect(deletedFunctionsOf).toEqual(["a"]);
  expect(registry.has("a")).toBe(false);
  expect(await rows.loadAll()).toEqual([]);
  expect(changes.at(-1)).toEqual(["a", undefined]);
  expect((await errorOf(registry.delete("a", false)))?.code).toBe("NOT_FOUND");
});

test("a failed write changes nothing in memory", async () => {
  const rows = createMemoryTenantRows();
  const { registry } = setup({
    rows: { ...rows, put: async () => Promise.reject(new Error("disk full")) },
  });
  expect(await errorOf(registry.create({ name: "a" }))).toBeInstanceOf(Error);
  expect(registry.has("a")).toBe(false);
  // the chain goes on after a failure
  expect((await errorOf(registry.update("nope", {})))?.code).toBe("NOT_FOUND");
});

test("load reads stored tenants and applies the file over them; file tenants are read-only through the API", async () => {
  const rows = createMemoryTenantRows();
  await rows.put({ name: "old", quotas: { maxJobs: 1 }, source: "api", createdAt: 1, updatedAt: 1 });
  await rows.put({ name: "gone-from-file", quotas: {}, source: "file", createdAt: 1, updatedAt: 1 });
  const { registry } = setup({ rows });
  const changed = await registry.load([{ name: "git", quotas: { maxFunctions: 3 } }]);
  expect(changed.sort()).toEqual(["git", "gone-from-file"]);
  expect(registry.get("old")).toMatchObject({ source: "api", quotas: { maxJobs: 1 } });
  expect(registry.get("git")).toMatchObject({ source: "file", quotas: { maxFunctions: 3 } });
  // a tenant dropped from the file stays (it may own functions), managed through the API from now on
  expect(registry.get("gone-from-file")?.source).toBe("api");
  expect((await errorOf(registry.update("git", {})))?.message).toContain("NANOFAAS_TENANTS_FILE");
  expect((await errorOf(registry.delete("git", true)))?.code).toBe("CONFLICT");
  expect((await rows.loadAll()).find((r) => r.name === "git")?.source).toBe("file");
});

test("loading the same file again changes nothing", async () => {
  const rows = createMemoryTenantRows();
  const first = setup({ rows });
  await first.registry.load([{ name: "git", quotas: { maxFunctions: 3 } }]);
  const second = setup({ rows });
  expect(await second.registry.load([{ name: "git", quotas: { maxFunctions: 3 } }])).toEqual([]);
  expect(await second.registry.load([{ name: "git", quotas: { maxFunctions: 4 } }])).toEqual(["git"]);
});
