/**
 * @module
 * Tenants in the SQLite store; the table of the `tenants` area. Writes are rare (an admin's call):
 * each is one small committed transaction.
 */
import type { Database } from "bun:sqlite";
import type { TenantRow, TenantRows } from "../tenant-rows";
import type { GuardedWrite } from "./core-rows";

interface TenantColumns {
  name: string;
  quotas: string;
  source: string;
  created_at: number;
  updated_at: number;
}

const rowOf = (c: TenantColumns): TenantRow => ({
  name: c.name,
  quotas: JSON.parse(c.quotas),
  source: c.source === "file" ? "file" : "api",
  createdAt: c.created_at,
  updatedAt: c.updated_at,
});

export function createSqliteTenantRows(db: Database, write: GuardedWrite): TenantRows {
  const all = db.query<TenantColumns, []>("SELECT * FROM tenants ORDER BY name");
  const put = db.query(
    "INSERT OR REPLACE INTO tenants (name, quotas, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
  );
  const remove = db.query("DELETE FROM tenants WHERE name = ?");
  return {
    loadAll: async () => all.all().map(rowOf),
    put: (row) =>
      write(() => void put.run(row.name, JSON.stringify(row.quotas), row.source, row.createdAt, row.updatedAt)),
    delete: (name) => write(() => remove.run(name).changes > 0),
  };
}
