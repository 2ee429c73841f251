import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { isSqlitePoison } from "./sqlite-errors";

/** The error bun:sqlite throws for `sql` on a small table with NOT NULL and CHECK constraints. */
function sqliteError(sql: string, setup: (db: Database) => void = () => {}): unknown {
  const db = new Database(":memory:", { strict: true });
  db.run("CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER NOT NULL CHECK (n >= 0))");
  setup(db);
  try {
    db.run(sql);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    db.close();
  }
}

test("real SQLite errors: constraints are poison rows; a full database is an outage", () => {
  expect(isSqlitePoison(sqliteError("INSERT INTO t VALUES ('a', NULL)"))).toBe(true);
  expect(isSqlitePoison(sqliteError("INSERT INTO t VALUES ('a', -1)"))).toBe(true);
  const duplicate = sqliteError("INSERT INTO t VALUES ('a', 1)", (db) => db.run("INSERT INTO t VALUES ('a', 2)"));
  expect(isSqlitePoison(duplicate)).toBe(true);
  const full = sqliteError(`INSERT INTO t VALUES ('${"x".repeat(64 * 1024)}', 1)`, (db) => {
    const pages = db.query<{ page_count: number }, []>("PRAGMA page_count").get()!.page_count;
    db.run(`PRAGMA max_page_count = ${pages}`);
  });
  expect((full as { code?: string }).code).toBe("SQLITE_FULL");
  expect(isSqlitePoison(full)).toBe(false);
});

test("codes and names as they cross the writer thread", () => {
  const coded = (code: string) => Object.assign(new Error("x"), { code });
  const named = (name: string) => Object.assign(new Error("x"), { name });
  const cases: [unknown, boolean][] = [
    [coded("SQLITE_CONSTRAINT_NOTNULL"), true],
    [coded("SQLITE_CONSTRAINT_CHECK"), true],
    [coded("SQLITE_MISMATCH"), true],
    [coded("SQLITE_TOOBIG"), true],
    [named("TypeError"), true], // a value that cannot be serialised or bound
    [coded("SQLITE_FULL"), false],
    [coded("SQLITE_BUSY"), false],
    [coded("SQLITE_LOCKED"), false],
    [coded("SQLITE_IOERR_WRITE"), false],
    [coded("SQLITE_READONLY"), false],
    [coded("SQLITE_CANTOPEN"), false],
    [new Error("the SQLite writer thread failed: out of memory"), false],
    [undefined, false],
  ];
  for (const [error, poison] of cases) expect([error, isSqlitePoison(error)]).toEqual([error, poison]);
});
