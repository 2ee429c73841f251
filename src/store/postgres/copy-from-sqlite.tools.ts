/**
 * PostgreSQL tier: moving from SQLite to PostgreSQL with the documented command
 * (`bun scripts/copy-store.ts --from <nanofaas.db> --to <postgres URL>`), run as a process against a
 * real SQLite file and a real server: every row arrives (trigger state, version history and workflows
 * included), a second copy into the now full database is
 * refused, bad arguments exit 2.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { usePostgresServer } from "../../../test/support/postgres-server";
import { readState, sampleCounts, writeSampleState } from "../../../test/support/sample-state";
import { createSqliteStore } from "../sqlite/sqlite-store";
import { createPostgresStore } from "./create-postgres-store";

const server = usePostgresServer();
const dir = mkdtempSync(join(tmpdir(), "nanofaas-copy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const REPO = new URL("../../..", import.meta.url).pathname;

const copy = (...args: string[]) => {
  const proc = Bun.spawnSync([process.execPath, "scripts/copy-store.ts", ...args], {
    cwd: REPO,
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: proc.exitCode, stdout: proc.stdout.toString(), stderr: proc.stderr.toString() };
};

test("a SQLite file copied into an empty PostgreSQL database holds the same state there", async () => {
  const file = join(dir, "nanofaas.db");
  const sqlite = createSqliteStore({ path: file });
  await writeSampleState(sqlite);
  await sqlite.close(); // what the stopped control plane left on disk, write-behind rows included
  const reopened = createSqliteStore({ path: file });
  const expected = await readState(reopened);
  await reopened.close();
  expect(expected.idempotency.length).toBe(1);
  const url = await server().createDatabase("moved");

  const first = copy("--from", file, "--to", url);
  expect(first.stderr).toBe("");
  expect(first.code).toBe(0);
  expect(JSON.parse(first.stdout)).toEqual({
    copied: sampleCounts(2_500),
  });
  const postgres = await createPostgresStore(url);
  expect(await readState(postgres)).toEqual(expected);
  await postgres.close();

  const again = copy("--from", file, "--to", url);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain("the target store is not empty");
}, 60_000);

test("bad arguments: usage and exit 2; a missing source file: exit 1 naming it", () => {
  const none = copy();
  expect(none.code).toBe(2);
  expect(none.stderr).toContain("usage: bun scripts/copy-store.ts --from");
  const missing = copy("--from", join(dir, "absent.db"), "--to", join(dir, "target.db"));
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain("absent.db: no such SQLite file");
});
