import { describe, expect, test } from "bun:test";
import { createMemoryTenantRows } from "./memory/tenant-rows";
import { createSqliteStore } from "./sqlite/sqlite-store";
import { tenantRowsContract } from "./tenant-rows.contract";

describe("tenant rows: memory", () => tenantRowsContract(createMemoryTenantRows));
describe("tenant rows: sqlite", () => tenantRowsContract(() => createSqliteStore({ path: ":memory:" }).tenants!));

test("sqlite: tenants survive closing and reopening the database file", async () => {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(join(tmpdir(), "nf-tenants-"));
  try {
    const path = join(dir, "nanofaas.db");
    const first = createSqliteStore({ path });
    await first.tenants!.put({ name: "team-a", quotas: { maxJobs: 2 }, source: "api", createdAt: 1, updatedAt: 2 });
    await first.close();
    const second = createSqliteStore({ path });
    expect(await second.tenants!.loadAll()).toEqual([
      { name: "team-a", quotas: { maxJobs: 2 }, source: "api", createdAt: 1, updatedAt: 2 },
    ]);
    await second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
