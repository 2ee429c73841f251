/**
 * @module
 * Versioned schema migrations, run at start-up in ONE transaction under a transaction-scoped
 * advisory lock: several control planes starting at once against the same database take turns, and
 * the second finds the work done. `nanofaas_schema` holds one row per applied version. A database
 * whose newest version is above what this build knows was migrated by a newer control plane: start-up
 * refuses it (`SchemaTooNewError`) rather than writing rows that build does not expect.
 * Migrations are append-only: a released one is never edited, a change is a new version.
 */
import { SchemaTooNewError } from "../state-store";
import type { Database } from "./database";
import { SCHEMA_V1 } from "./schema-v1";
import { SCHEMA_V2 } from "./schema-v2";
import { SCHEMA_V3 } from "./schema-v3";
import { SCHEMA_V4 } from "./schema-v4";
import { SCHEMA_V5 } from "./schema-v5";
import { SCHEMA_V6 } from "./schema-v6";
import { SCHEMA_V7 } from "./schema-v7";
import { SCHEMA_V8 } from "./schema-v8";
import { SCHEMA_V9 } from "./schema-v9";
import { SCHEMA_V10 } from "./schema-v10";

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, description: "functions, executions, idempotency keys, DLQ, API keys, audit", sql: SCHEMA_V1 },
  { version: 2, description: "cron fire state, webhooks, executions.trigger_info", sql: SCHEMA_V2 },
  { version: 3, description: "function version history", sql: SCHEMA_V3 },
  { version: 4, description: "executions.owner: the control plane running an unfinished execution", sql: SCHEMA_V4 },
  { version: 5, description: "workflow definitions, runs and run steps", sql: SCHEMA_V5 },
  { version: 6, description: "function traffic splits", sql: SCHEMA_V6 },
  { version: 7, description: "tenants and their quotas", sql: SCHEMA_V7 },
  { version: 8, description: "control_planes: the replicas sharing the database", sql: SCHEMA_V8 },
  { version: 9, description: "executions_root: listing a chain by its root", sql: SCHEMA_V9 },
  { version: 10, description: "workflow_runs.owner: the control plane driving a running run", sql: SCHEMA_V10 },
];

/** Any constant of our own: the key of the advisory lock migrations hold (pg_advisory_xact_lock). */
export const MIGRATION_LOCK_KEY = 0x6e66_6173; // "nfas"

/** Applies what is missing; returns the versions applied now (empty when already current). */
export async function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const known = Math.max(0, ...migrations.map((m) => m.version));
  return db.query((sql) =>
    sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`;
      await tx.unsafe(
        "CREATE TABLE IF NOT EXISTS nanofaas_schema (version integer PRIMARY KEY, description text NOT NULL, applied_at bigint NOT NULL)",
      );
      const [{ current }] = await tx`SELECT COALESCE(MAX(version), 0)::int AS current FROM nanofaas_schema`;
      if (current > known) {
        throw new SchemaTooNewError(
          `the PostgreSQL schema is at version ${current}, newer than this control plane knows (${known}): ` +
            "it was migrated by a newer nanofaas; run that version (or restore a backup taken before the upgrade)",
        );
      }
      const applied: number[] = [];
      for (const migration of migrations.filter((m) => m.version > current)) {
        await tx.unsafe(migration.sql);
        await tx`INSERT INTO nanofaas_schema (version, description, applied_at)
                 VALUES (${migration.version}, ${migration.description}, ${Date.now()})`;
        applied.push(migration.version);
      }
      return applied;
    }),
  );
}
