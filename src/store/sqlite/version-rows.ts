/**
 * @module
 * Function version history in the SQLite store; tables of the `versions` area. Updates are rare:
 * each write is one small committed transaction.
 */
import type { Database } from "bun:sqlite";
import type { FunctionVersionRow, TrafficRow, VersionRows } from "../version-rows";
import type { GuardedWrite } from "./core-rows";

interface VersionColumns {
  function: string;
  version: number;
  spec: string;
  created_at: number;
}

const rowOf = (c: VersionColumns): FunctionVersionRow => ({
  name: c.function,
  version: c.version,
  spec: JSON.parse(c.spec),
  createdAt: c.created_at,
});

export function createSqliteVersionRows(db: Database, write: GuardedWrite): VersionRows {
  const insert = db.query("INSERT INTO function_versions (function, version, spec, created_at) VALUES (?, ?, ?, ?)");
  // An upsert that keeps the traffic column (INSERT OR REPLACE would reset it to NULL).
  const activate = db.query(
    `INSERT INTO function_active_versions (function, version) VALUES (?, ?)
     ON CONFLICT (function) DO UPDATE SET version = excluded.version`,
  );
  const trafficOf = db.query<{ traffic: string | null }, [string]>(
    "SELECT traffic FROM function_active_versions WHERE function = ?",
  );
  const setTraffic = db.query("UPDATE function_active_versions SET traffic = ? WHERE function = ?");
  const setTrafficTx = db.transaction((name: string, traffic: TrafficRow[] | undefined, version?: number) => {
    if (version !== undefined) activate.run(name, version);
    setTraffic.run(traffic ? JSON.stringify(traffic) : null, name);
  });
  const list = db.query<VersionColumns, [string]>(
    "SELECT * FROM function_versions WHERE function = ? ORDER BY version",
  );
  const one = db.query<VersionColumns, [string, number]>(
    "SELECT * FROM function_versions WHERE function = ? AND version = ?",
  );
  const active = db.query<{ version: number }, [string]>(
    "SELECT version FROM function_active_versions WHERE function = ?",
  );
  const prune = db.query(
    `DELETE FROM function_versions WHERE function = ?1 AND version IN (
       SELECT version FROM function_versions
       WHERE function = ?1 AND version <> coalesce((SELECT version FROM function_active_versions WHERE function = ?1), -1)
       ORDER BY version LIMIT max(0, (SELECT count(*) FROM function_versions WHERE function = ?1) - ?2))`,
  );
  const appendTx = db.transaction((row: FunctionVersionRow) => {
    insert.run(row.name, row.version, JSON.stringify(row.spec), row.createdAt);
    activate.run(row.name, row.version);
  });
  const deleteTx = db.transaction((name: string) => {
    db.query("DELETE FROM function_versions WHERE function = ?").run(name);
    db.query("DELETE FROM function_active_versions WHERE function = ?").run(name);
  });
  return {
    append: (row) => write(() => void appendTx(row)),
    list: async (name) => list.all(name).map(rowOf),
    get: async (name, version) => {
      const found = one.get(name, version);
      return found ? rowOf(found) : undefined;
    },
    active: async (name) => active.get(name)?.version,
    setActive: (name, version) => write(() => void activate.run(name, version)),
    prune: (name, keep) => write(() => prune.run(name, keep).changes),
    traffic: async (name) => {
      const text = trafficOf.get(name)?.traffic;
      return text ? (JSON.parse(text) as TrafficRow[]) : undefined;
    },
    setTraffic: (name, traffic, active) => write(() => void setTrafficTx(name, traffic, active)),
    deleteFunction: (name) => write(() => void deleteTx(name)),
  };
}
