/**
 * @module
 * The small sub-stores on PostgreSQL: registered functions (durable puts; a replaced spec keeps its
 * first createdAt), idempotency keys (write-behind publishes; a deleted function's queued keys are
 * dropped before they are written) and API keys (durable puts, so `POST /v1/apikeys` answers only once the key would survive).
 */
import type { ApiKeyRows, FunctionRows, IdempotencyRows } from "../state-store";
import { type Database, fromJsonText, toJsonText } from "./database";
import type { Batcher } from "./executions";

export function postgresFunctions(db: Database): FunctionRows {
  return {
    loadAll: async () => {
      const rows = await db.query((sql) => sql`SELECT * FROM functions ORDER BY created_at, name`);
      return rows.map((r: { name: string; spec: string; created_at: string; updated_at: string }) => ({
        name: r.name,
        spec: fromJsonText(r.spec),
        createdAt: Number(r.created_at),
        updatedAt: Number(r.updated_at),
      }));
    },
    put: async (row) => {
      const values = {
        name: row.name,
        spec: toJsonText(row.spec),
        created_at: row.createdAt,
        updated_at: row.updatedAt,
      };
      await db.query(
        (sql) => sql`INSERT INTO functions ${sql(values)} ON CONFLICT (name) DO UPDATE SET
          spec = EXCLUDED.spec, updated_at = EXCLUDED.updated_at`,
      );
    },
    delete: async (name) => {
      await db.query((sql) => sql`DELETE FROM functions WHERE name = ${name}`);
    },
  };
}

export function postgresIdempotency(db: Database, batcher: Batcher): IdempotencyRows {
  return {
    loadLive: async (now) => {
      const rows = await db.query((sql) => sql`SELECT * FROM idempotency_keys WHERE expires_at > ${now}`);
      return rows.map((r: { function: string; key: string; execution_id: string; expires_at: string }) => ({
        function: r.function,
        key: r.key,
        executionId: r.execution_id,
        expiresAt: Number(r.expires_at),
      }));
    },
    publish: (fn, key, executionId, expiresAt) =>
      // the write-behind key joins function and key with a NUL, which neither may contain
      batcher.behindWrite(`k:${fn}\u0000${key}`, { kind: "key", function: fn, key, executionId, expiresAt }),
    forgetFunction: async (fn) => {
      batcher.discardBehind((row) => row.kind === "key" && row.function === fn);
      await batcher.flush().catch(() => {}); // a commit in flight may hold this function's keys
      await db.query((sql) => sql`DELETE FROM idempotency_keys WHERE function = ${fn}`);
    },
    sweep: async (now) => {
      await db.query((sql) => sql`DELETE FROM idempotency_keys WHERE expires_at <= ${now}`);
    },
  };
}

export function postgresApiKeys(db: Database): ApiKeyRows {
  return {
    loadAll: async () => {
      const rows = await db.query((sql) => sql`SELECT * FROM api_keys ORDER BY created_at, id`);
      return rows.map(
        (r: {
          id: string;
          name: string;
          prefix: string;
          key_sha256: string;
          scopes: string;
          tenant: string;
          created_at: string;
          expires_at: string | null;
        }) => ({
          id: r.id,
          name: r.name,
          prefix: r.prefix,
          keySha256: r.key_sha256,
          scopes: fromJsonText(r.scopes) as string[],
          tenant: r.tenant,
          createdAt: Number(r.created_at),
          expiresAt: r.expires_at === null ? null : Number(r.expires_at),
        }),
      );
    },
    put: async (row) => {
      const values = {
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        key_sha256: row.keySha256,
        scopes: toJsonText(row.scopes),
        tenant: row.tenant,
        created_at: row.createdAt,
        expires_at: row.expiresAt,
      };
      await db.query(
        (sql) => sql`INSERT INTO api_keys ${sql(values)} ON CONFLICT (id) DO UPDATE SET
          name = EXCLUDED.name, prefix = EXCLUDED.prefix, key_sha256 = EXCLUDED.key_sha256,
          scopes = EXCLUDED.scopes, tenant = EXCLUDED.tenant, expires_at = EXCLUDED.expires_at`,
      );
    },
    delete: (id) => db.query(async (sql) => (await sql`DELETE FROM api_keys WHERE id = ${id}`).count > 0),
  };
}
