/**
 * The done-when test of issue 17 on SQLite (test/support/crash-scenario.ts: SIGKILL while 5 000
 * async invocations are accepted and run, restart on the same data directory; the same scenario
 * runs on PostgreSQL in durable-crash-postgres.tools.ts), and the start-up faults a real process
 * shows: a data directory that cannot be created, a corrupt database file. A *.tools.ts file (just
 * test-tools, run by .ci/run): it takes about a minute.
 */
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnControlPlane } from "../support/control-plane-process";
import { describeCrashTest } from "../support/crash-scenario";

const dir = mkdtempSync(join(tmpdir(), "nanofaas-crash-faults-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let dataDir = "";
describeCrashTest({
  title: "SQLite file",
  env: async (scenarioDir) => {
    dataDir = join(scenarioDir, "data", "not-yet-created");
    return { NANOFAAS_STORE: "sqlite", NANOFAAS_DATA_DIR: dataDir };
  },
  rowsAtKill: async () => {
    const db = new Database(join(dataDir, "nanofaas.db"), { readonly: true });
    const rows = db
      .query<{ id: string; status: string }, []>("SELECT id, status FROM executions WHERE function = 'slow'")
      .all();
    db.close();
    return rows;
  },
});

describe("start-up faults of the real process", () => {
  test("a data directory that cannot be created: one clear line, exit 2", async () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    const proc = spawnControlPlane({ NANOFAAS_STORE: "sqlite", NANOFAAS_DATA_DIR: join(file, "data") });
    expect(await proc.exited()).toBe(2);
    expect(proc.stderr()).toContain("NANOFAAS_DATA_DIR: cannot create");
  });

  test("a corrupt database file: one clear line that says what to do, exit 2", async () => {
    const data = join(dir, "corrupt");
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, "nanofaas.db"), "this is not a database ".repeat(500));
    const proc = spawnControlPlane({ NANOFAAS_STORE: "sqlite", NANOFAAS_DATA_DIR: data });
    expect(await proc.exited()).toBe(2);
    expect(proc.stderr()).toContain("is not a readable nanofaas database");
    expect(proc.stderr()).toContain("restore a backup");
  });
});
