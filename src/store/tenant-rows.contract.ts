/**
 * @module
 * The TenantRows contract, run against each implementation (memory, SQLite, PostgreSQL).
 */
import { expect, test } from "bun:test";
import type { TenantRow, TenantRows } from "./tenant-rows";

const row = (name: string, quotas: Record<string, number> = {}, source: TenantRow["source"] = "api"): TenantRow => ({
  name,
  quotas,
  source,
  createdAt: 1_000,
  updatedAt: 2_000,
});

export function tenantRowsContract(open: () => TenantRows | Promise<TenantRows>): void {
  test("put stores a tenant with its quotas and source; loadAll reads them back by name", async () => {
    const rows = await open();
    await rows.put(row("team-b", { maxFunctions: 3 }, "file"));
    await rows.put(row("team-a", { maxRequestsPerSecond: 50, maxConcurrency: 4 }));
    expect(await rows.loadAll()).toEqual([
      row("team-a", { maxRequestsPerSecond: 50, maxConcurrency: 4 }),
      row("team-b", { maxFunctions: 3 }, "file"),
    ]);
  });

  test("put replaces the row of the same name (an update), never adds a second", async () => {
    const rows = await open();
    await rows.put(row("team-a", { maxFunctions: 3 }));
    await rows.put({ ...row("team-a", { maxQueued: 9 }), updatedAt: 3_000 });
    expect(await rows.loadAll()).toEqual([{ ...row("team-a", { maxQueued: 9 }), updatedAt: 3_000 }]);
  });

  test("delete removes one tenant and says whether there was one", async () => {
    const rows = await open();
    await rows.put(row("team-a"));
    await rows.put(row("team-b"));
    expect(await rows.delete("team-a")).toBe(true);
    expect(await rows.delete("team-a")).toBe(false);
    expect((await rows.loadAll()).map((r) => r.name)).toEqual(["team-b"]);
  });
}
