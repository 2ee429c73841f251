/**
 * PostgreSQL tier: schema migrations against a real server — concurrent start-ups take turns under
 * the advisory lock, a second start-up applies nothing, a schema newer than this build is refused.
 */
import { expect, test } from "bun:test";
import { SQL } from "bun";
import { usePostgresServer } from "../../../test/support/postgres-server";
import { SchemaTooNewError } from "../state-store";
import { createPostgresStore } from "./create-postgres-store";
import { MIGRATIONS } from "./migrations";

const server = usePostgresServer();

const versions = async (url: string) => {
  const sql = new SQL(url, { max: 1 });
  try {
    return (await sql`SELECT version FROM nanofaas_schema ORDER BY version`).map((r: { version: number }) => r.version);
  } finally {
    await sql.close();
  }
};

test("several control planes starting at once migrate once, and all of them start", async () => {
  const url = await server().createDatabase("concurrent");
  const stores = await Promise.all(Array.from({ length: 4 }, () => createPostgresStore(url)));
  expect(await versions(url)).toEqual(MIGRATIONS.map((m) => m.version));
  await stores[0]!.functions.put({ name: "f", spec: {}, createdAt: 1, updatedAt: 1 });
  expect((await stores[3]!.functions.loadAll()).map((f) => f.name)).toEqual(["f"]);
  await Promise.all(stores.map((store) => store.close()));
  const again = await createPostgresStore(url);
  expect(await versions(url)).toEqual(MIGRATIONS.map((m) => m.version));
  await again.close();
});

test("a schema newer than this build is refused with a message that says what to do", async () => {
  const url = await server().createDatabase("too_new");
  await (await createPostgresStore(url)).close();
  const sql = new SQL(url, { max: 1 });
  const newer = Math.max(...MIGRATIONS.map((m) => m.version)) + 1;
  await sql`INSERT INTO nanofaas_schema (version, description, applied_at) VALUES (${newer}, 'from the future', 0)`;
  await sql.close();
  const refused = createPostgresStore(url);
  await expect(refused).rejects.toBeInstanceOf(SchemaTooNewError);
  await expect(refused).rejects.toThrow(`schema is at version ${newer}, newer than this control plane knows`);
});

test("a failed migration leaves nothing behind (one transaction)", async () => {
  const url = await server().createDatabase("half");
  const sql = new SQL(url, { max: 1 });
  await sql`CREATE TABLE dead_letters (id text)`; // makes version 1's CREATE TABLE fail half way
  await sql.close();
  await expect(createPostgresStore(url)).rejects.toThrow(/dead_letters/);
  const check = new SQL(url, { max: 1 });
  const tables = await check`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`;
  await check.close();
  expect(tables.map((t: { table_name: string }) => t.table_name)).toEqual(["dead_letters"]);
});
