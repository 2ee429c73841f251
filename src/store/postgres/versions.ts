/**
 * @module
 * Function version history on PostgreSQL (issue 22, schema v3). Updates are rare: each write is
 * committed before it resolves (no write-behind), an append and its activation in one transaction.
 */
import type { FunctionVersionRow, TrafficRow, VersionRows } from "../version-rows";
import { type Database, fromJsonText, toJsonText } from "./database";

// biome-ignore lint/suspicious/noExplicitAny: a database row, shaped by the schema
const rowOf = (r: any): FunctionVersionRow => ({
  name: r.function,
  version: Number(r.version),
  spec: fromJsonText(r.spec) as FunctionVersionRow["spec"],
  createdAt: Number(r.created_at),
});

export function postgresVersions(db: Database): VersionRows {
  return {
    append: (row) =>
      db.query((sql) =>
        sql.begin(async (tx) => {
          await tx`INSERT INTO function_versions (function, version, spec, created_at)
                   VALUES (${row.name}, ${row.version}, ${toJsonText(row.spec)}, ${row.createdAt})`;
          await tx`INSERT INTO function_active_versions (function, version) VALUES (${row.name}, ${row.version})
                   ON CONFLICT (function) DO UPDATE SET version = EXCLUDED.version`;
        }),
      ),
    list: async (name) =>
      (await db.query((sql) => sql`SELECT * FROM function_versions WHERE function = ${name} ORDER BY version`)).map(
        rowOf,
      ),
    get: async (name, version) => {
      const [found] = await db.query(
        (sql) => sql`SELECT * FROM function_versions WHERE function = ${name} AND version = ${version}`,
      );
      return found ? rowOf(found) : undefined;
    },
    active: async (name) => {
      const [found] = await db.query(
        (sql) => sql`SELECT version FROM function_active_versions WHERE function = ${name}`,
      );
      return found ? Number(found.version) : undefined;
    },
    setActive: async (name, version) => {
      await db.query(
        (sql) => sql`INSERT INTO function_active_versions (function, version) VALUES (${name}, ${version})
                     ON CONFLICT (function) DO UPDATE SET version = EXCLUDED.version`,
      );
    },
    traffic: async (name) => {
      const [found] = await db.query(
        (sql) => sql`SELECT traffic FROM function_active_versions WHERE function = ${name}`,
      );
      return found?.traffic ? (fromJsonText(found.traffic) as TrafficRow[]) : undefined;
    },
    setTraffic: (name, traffic, active) =>
      db.query((sql) =>
        sql.begin(async (tx) => {
          if (active !== undefined) {
            await tx`INSERT INTO function_active_versions (function, version) VALUES (${name}, ${active})
                     ON CONFLICT (function) DO UPDATE SET version = EXCLUDED.version`;
          }
          await tx`UPDATE function_active_versions SET traffic = ${traffic ? toJsonText(traffic) : null}
                   WHERE function = ${name}`;
        }),
      ),
    prune: (name, keep) =>
      db.query(async (sql) => {
        // the oldest beyond `keep`, never the active one (as the SQLite store does)
        const gone = await sql`DELETE FROM function_versions WHERE function = ${name} AND version IN (
            SELECT version FROM function_versions
            WHERE function = ${name}
              AND version <> COALESCE((SELECT version FROM function_active_versions WHERE function = ${name}), -1)
            ORDER BY version
            LIMIT GREATEST(0, (SELECT count(*) FROM function_versions WHERE function = ${name}) - ${keep}))`;
        return gone.count;
      }),
    deleteFunction: (name) =>
      db.query((sql) =>
        sql.begin(async (tx) => {
          await tx`DELETE FROM function_versions WHERE function = ${name}`;
          await tx`DELETE FROM function_active_versions WHERE function = ${name}`;
        }),
      ),
  };
}
