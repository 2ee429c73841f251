/**
 * docs/persistence.md's SQLite backup: `VACUUM INTO` from another connection while the store is
 * being written gives a consistent copy that a store opens with every accepted row.
 */
import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { row } from "../core-rows.contract";
import { createSqliteStore } from "./sqlite-store";

const dir = mkdtempSync(join(tmpdir(), "nanofaas-backup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("VACUUM INTO while the store accepts rows: the copy opens and holds every row accepted before it", async () => {
  const live = createSqliteStore({ path: join(dir, "nanofaas.db") });
  const before = Array.from({ length: 500 }, (_, i) => `before-${i}`);
  await Promise.all(before.map((id) => live.executions.accept(row(id))));
  const writing = Promise.all(Array.from({ length: 500 }, (_, i) => live.executions.accept(row(`during-${i}`))));
  const backup = new Database(join(dir, "nanofaas.db"), { readonly: true });
  backup.run("VACUUM INTO ?", [join(dir, "backup.db")]);
  backup.close();
  await writing;
  await live.close();
  const restored = createSqliteStore({ path: join(dir, "backup.db") });
  const ids = new Set((await restored.executions.loadUnfinished()).map((r) => r.id));
  for (const id of before) expect(ids.has(id)).toBe(true);
  await restored.close();
});
