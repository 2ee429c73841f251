/**
 * @module
 * Versioned schema migrations for the SQLite store, run at start-up in one transaction.
 *
 * The schema is split into *areas* (core, dlq, auth, …), each with its own numbered steps, so
 * parallel work on different areas never fights over one global number. The table
 * `schema_migrations(area, version)` records what ran. A database that has an area this build
 * does not know, or a version of an area above the highest step here, was written by a newer
 * nanofaas: start-up refuses it (SchemaTooNewError) rather than guess.
 *
 * To add a migration: append `{ version: n + 1, sql }` to your area's list (never edit or reorder
 * a step that has landed — databases out there already ran it). To add an area: create
 * `<area>-schema.ts` exporting a `MigrationArea` and add it to `AREAS` below.
 */
import type { Database } from "bun:sqlite";
import { SchemaTooNewError } from "../state-store";
import { AUTH_SCHEMA } from "./auth-schema";
import { CORE_SCHEMA } from "./core-schema";
import { DLQ_SCHEMA } from "./dlq-schema";
import type { MigrationArea } from "./migration-area";
import { TRIGGERS_SCHEMA } from "./triggers-schema";
import { WORKFLOWS_SCHEMA } from "./workflows-schema";
import { VERSIONS_SCHEMA } from "./versions-schema";
import { TENANTS_SCHEMA } from "./tenants-schema";

export type { MigrationArea, MigrationStep } from "./migration-area";

/** Every area this build knows, in the order their first steps should run. */
export const AREAS: readonly MigrationArea[] = [
  CORE_SCHEMA,
  DLQ_SCHEMA,
  AUTH_SCHEMA,
  TRIGGERS_SCHEMA,
  WORKFLOWS_SCHEMA,
  VERSIONS_SCHEMA,
  TENANTS_SCHEMA,
];

/** Brings `db` up to date; returns how many steps ran. Throws SchemaTooNewError for a newer database. */
export function migrate(db: Database, areas: readonly MigrationArea[] = AREAS): number {
  let ran = 0;
  db.transaction(() => {
    db.run(
      "CREATE TABLE IF NOT EXISTS schema_migrations (area TEXT NOT NULL, version INTEGER NOT NULL, applied_at INTEGER NOT NULL, PRIMARY KEY (area, version))",
    );
    const applied = appliedVersions(db);
    refuseNewer(applied, areas);
    for (const { area, steps } of areas) {
      for (const step of steps) {
        if (step.version <= (applied.get(area) ?? 0)) continue;
        db.run(step.sql);
        db.run("INSERT INTO schema_migrations (area, version, applied_at) VALUES (?, ?, ?)", [
          area,
          step.version,
          Date.now(),
        ]);
        ran++;
      }
    }
  }).immediate();
  return ran;
}

function appliedVersions(db: Database): Map<string, number> {
  const rows = db
    .query<{ area: string; version: number }, []>(
      "SELECT area, MAX(version) AS version FROM schema_migrations GROUP BY area",
    )
    .all();
  return new Map(rows.map((row) => [row.area, row.version]));
}

function refuseNewer(applied: Map<string, number>, areas: readonly MigrationArea[]): void {
  for (const [area, version] of applied) {
    const known = areas.find((a) => a.area === area);
    const knownVersion = known ? Math.max(0, ...known.steps.map((s) => s.version)) : 0;
    if (version > knownVersion) {
      throw new SchemaTooNewError(
        `the database schema is newer than this nanofaas knows (area '${area}' is at version ${version}, this build knows ${knownVersion}): it was written by a newer release; run that release, or restore a backup taken before the upgrade`,
      );
    }
  }
}
