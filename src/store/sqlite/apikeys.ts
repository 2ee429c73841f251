/**
 * @module
 * API keys in the SQLite store (auth-schema.ts): only the SHA-256 of each secret is written.
 */
import type { Database } from "bun:sqlite";
import type { ApiKeyRow, ApiKeyRows } from "../state-store";
import type { GuardedWrite } from "./core-rows";

interface KeyColumns {
  id: string;
  name: string;
  prefix: string;
  key_sha256: string;
  scopes: string;
  tenant: string;
  created_at: number;
  expires_at: number | null;
}

const rowOf = (c: KeyColumns): ApiKeyRow => ({
  id: c.id,
  name: c.name,
  prefix: c.prefix,
  keySha256: c.key_sha256,
  scopes: JSON.parse(c.scopes),
  tenant: c.tenant,
  createdAt: c.created_at,
  expiresAt: c.expires_at,
});

export function createSqliteApiKeyRows(db: Database, write: GuardedWrite): ApiKeyRows {
  return {
    loadAll: async () => db.query<KeyColumns, []>("SELECT * FROM api_keys ORDER BY created_at").all().map(rowOf),
    put: (row) =>
      write(() => {
        db.query(
          `INSERT INTO api_keys (id, name, prefix, key_sha256, scopes, tenant, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, prefix = excluded.prefix,
             key_sha256 = excluded.key_sha256, scopes = excluded.scopes, tenant = excluded.tenant,
             created_at = excluded.created_at, expires_at = excluded.expires_at`,
        ).run(
          row.id,
          row.name,
          row.prefix,
          row.keySha256,
          JSON.stringify(row.scopes),
          row.tenant,
          row.createdAt,
          row.expiresAt,
        );
      }),
    delete: (id) => write(() => db.query("DELETE FROM api_keys WHERE id = ?").run(id).changes > 0),
  };
}
