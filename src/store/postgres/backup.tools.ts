/**
 * PostgreSQL tier: the backup and restore docs/persistence.md prescribes, run for real — pg_dump in
 * the custom format of a store's database, pg_restore into a new database, a store opened on it
 * holds every row the original held (and needs no migration).
 */
import { expect, test } from "bun:test";
import { SQL } from "bun";
import { usePostgresServer } from "../../../test/support/postgres-server";
import { readState, writeSampleState } from "../../../test/support/sample-state";
import { createPostgresStore } from "./create-postgres-store";

const server = usePostgresServer();

test("pg_dump -Fc and pg_restore into an empty database give back the same state", async () => {
  const sourceUrl = await server().createDatabase("live");
  const source = await createPostgresStore(sourceUrl);
  await writeSampleState(source);
  const before = await readState(source);
  const connection = ["-h", "127.0.0.1", "-p", String(server().port), "-U", "nanofaas"];
  // taken while the control plane runs: pg_dump reads one consistent snapshot
  const dump = server().run("pg_dump", [...connection, "--format=custom", "--file=nanofaas.dump", "live"]);
  expect(dump.stderr).toBe("");
  expect(dump.exitCode).toBe(0);
  await source.close();

  const restoredUrl = await server().createDatabase("restored");
  const restore = server().run("pg_restore", [...connection, "--no-owner", "--dbname=restored", "nanofaas.dump"]);
  expect(restore.stderr).toBe("");
  expect(restore.exitCode).toBe(0);
  const sql = new SQL(restoredUrl, { max: 1 });
  const versions = await sql`SELECT version FROM nanofaas_schema`;
  await sql.close();
  const restored = await createPostgresStore(restoredUrl);
  expect(await readState(restored)).toEqual(before);
  expect(before.executions.length).toBe(2_500);
  await restored.close();
  expect(versions.length).toBeGreaterThan(0);
}, 60_000);
