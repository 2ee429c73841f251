import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run, workflowRowsContract } from "../workflow-rows.contract";
import { createSqliteStore } from "./sqlite-store";

const dir = mkdtempSync(join(tmpdir(), "nanofaas-sqlite-workflows-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

// A real database file per test, through the whole store (migrations included).
workflowRowsContract("sqlite", async () => {
  const store = createSqliteStore({ path: join(dir, `wf-${files++}.db`) });
  return { rows: store.workflows, close: () => store.close() };
});

test("definitions and runs survive closing and reopening the database file (a restart)", async () => {
  const path = join(dir, "reopen.db");
  const first = createSqliteStore({ path });
  await first.workflows.definitions.put({ name: "etl", version: 3, definition: { a: 1 }, createdAt: 1, updatedAt: 2 });
  await first.workflows.runs.put(run("r1", "etl", 10));
  await first.close();
  const second = createSqliteStore({ path });
  expect(await second.workflows.definitions.loadAll()).toEqual([
    { name: "etl", version: 3, definition: { a: 1 }, createdAt: 1, updatedAt: 2 },
  ]);
  expect(await second.workflows.runs.loadUnfinished()).toEqual([run("r1", "etl", 10)]);
  await second.close();
});
