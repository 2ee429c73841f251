import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { SchemaTooNewError } from "../state-store";
import { AREAS, type MigrationArea, migrate } from "./migrations";

const tables = (db: Database) =>
  db
    .query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all()
    .map((r) => r.name);

describe("migrations", () => {
  test("a fresh database gets every step once; running again does nothing", () => {
    const db = new Database(":memory:");
    const steps = AREAS.reduce((n, area) => n + area.steps.length, 0);
    expect(migrate(db)).toBe(steps);
    expect(tables(db)).toEqual(
      expect.arrayContaining(["executions", "functions", "idempotency_keys", "schema_migrations"]),
    );
    expect(migrate(db)).toBe(0);
  });

  test("a new step of an area runs on an existing database", () => {
    const db = new Database(":memory:");
    const v1: MigrationArea = { area: "extra", steps: [{ version: 1, sql: "CREATE TABLE t (a INTEGER)" }] };
    const v2: MigrationArea = { ...v1, steps: [...v1.steps, { version: 2, sql: "ALTER TABLE t ADD COLUMN b TEXT" }] };
    expect(migrate(db, [v1])).toBe(1);
    expect(migrate(db, [v2])).toBe(1);
    db.run("INSERT INTO t (a, b) VALUES (1, 'x')");
  });

  test("a failing step rolls the whole start-up migration back", () => {
    const db = new Database(":memory:");
    const broken: MigrationArea = {
      area: "extra",
      steps: [
        { version: 1, sql: "CREATE TABLE t (a INTEGER)" },
        { version: 2, sql: "THIS IS NOT SQL" },
      ],
    };
    expect(() => migrate(db, [broken])).toThrow();
    expect(tables(db)).toEqual([]);
  });

  test("a schema newer than this build is refused with a message that says so", () => {
    const db = new Database(":memory:");
    migrate(db);
    db.run("INSERT INTO schema_migrations (area, version, applied_at) VALUES ('core', 99, 0)");
    expect(() => migrate(db)).toThrow(SchemaTooNewError);
    expect(() => migrate(db)).toThrow(/newer than this nanofaas knows \(area 'core' is at version 99/);
  });

  test("an area this build does not know means a newer release wrote the database", () => {
    const db = new Database(":memory:");
    migrate(db);
    db.run("INSERT INTO schema_migrations (area, version, applied_at) VALUES ('reports', 1, 0)");
    expect(() => migrate(db)).toThrow(/area 'reports' is at version 1, this build knows 0/);
  });
});

test("core v3: recording an execution maintains no finished_at index; the sweep walks executions_newest", () => {
  const db = new Database(":memory:", { strict: true });
  migrate(db);
  const indexes = db
    .query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'executions'")
    .all()
    .map((r) => r.name);
  expect(indexes).not.toContain("executions_finished");
  const plan = db
    .query<{ detail: string }, [number]>(
      "EXPLAIN QUERY PLAN DELETE FROM executions WHERE created_at < ?1 AND finished_at IS NOT NULL AND finished_at < ?1",
    )
    .all(1)
    .map((r) => r.detail)
    .join("\n");
  expect(plan).toContain("USING INDEX executions_newest");
  db.close();
});
