/**
 * Copies a stopped control plane's state into an empty store (docs/persistence.md, "Moving from
 * SQLite to PostgreSQL"):
 *   npx bun scripts/copy-store.ts --from ./.nanofaas/nanofaas.db --to postgres://user:pw@host/db
 * A store is a SQLite file path or a postgres:// URL, either way round. Prints what it copied as
 * JSON; exits 2 on bad arguments, 1 when the copy fails (the target is left for you to drop).
 */
import { parseArgs } from "node:util";
import { copyStateStore } from "../src/store/copy-store";
import { createPostgresStore } from "../src/store/postgres/create-postgres-store";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store";
import type { StateStore } from "../src/store/state-store";

const USAGE =
  "usage: bun scripts/copy-store.ts --from <sqlite file | postgres:// URL> --to <sqlite file | postgres:// URL>";

async function open(target: string, role: "source" | "target"): Promise<StateStore> {
  if (/^postgres(ql)?:\/\//.test(target)) return createPostgresStore(target, { connectTimeoutMs: 10_000 });
  if (role === "source" && !(await Bun.file(target).exists())) throw new Error(`${target}: no such SQLite file`);
  return createSqliteStore({ path: target });
}

async function main(): Promise<number> {
  let values: { from?: string; to?: string };
  try {
    ({ values } = parseArgs({ options: { from: { type: "string" }, to: { type: "string" } }, strict: true }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!values.from || !values.to) {
    console.error(USAGE);
    return 2;
  }
  const stores: StateStore[] = [];
  try {
    const from = await open(values.from, "source");
    stores.push(from);
    const to = await open(values.to, "target");
    stores.push(to);
    const counts = await copyStateStore(from, to);
    console.log(JSON.stringify({ copied: counts }));
    return 0;
  } catch (error) {
    console.error(`copy failed: ${(error as Error).message}`);
    return 1;
  } finally {
    for (const store of stores) await store.close();
  }
}

process.exit(await main());
