/**
 * @module
 * Tenants on PostgreSQL (issue 19, schema v7). Writes are rare: each is committed before it resolves.
 */
import type { TenantRow, TenantRows } from "../tenant-rows";
import { type Database, fromJsonText, toJsonText } from "./database";

// biome-ignore lint/suspicious/noExplicitAny: a database row, shaped by the schema
const rowOf = (r: any): TenantRow => ({
  name: r.name,
  quotas: fromJsonText(r.quotas) as TenantRow["quotas"],
  source: r.source === "file" ? "file" : "api",
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export function postgresTenants(db: Database): TenantRows {
  return {
    loadAll: async () => (await db.query((sql) => sql`SELECT * FROM tenants ORDER BY name COLLATE "C"`)).map(rowOf),
    put: async (row) => {
      await db.query(
        (sql) => sql`INSERT INTO tenants (name, quotas, source, created_at, updated_at)
                     VALUES (${row.name}, ${toJsonText(row.quotas)}, ${row.source}, ${row.createdAt}, ${row.updatedAt})
                     ON CONFLICT (name) DO UPDATE SET quotas = EXCLUDED.quotas, source = EXCLUDED.source,
                       created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`,
      );
    },
    delete: async (name) => {
      const gone = await db.query((sql) => sql`DELETE FROM tenants WHERE name = ${name}`);
      return gone.count > 0;
    },
  };
}
