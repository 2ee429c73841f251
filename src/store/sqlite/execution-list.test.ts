import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { executionListContract } from "../execution-list.contract";
import { createSqliteStore } from "./sqlite-store";

const dir = mkdtempSync(join(tmpdir(), "nanofaas-sqlite-list-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

// Rows go in the way the engine writes them (group-committed accept), into a real database file.
executionListContract("sqlite", async () => {
  const store = createSqliteStore({ path: join(dir, `list-${files++}.db`) });
  return {
    put: async (rows) => void (await Promise.all(rows.map((row) => store.executions.accept(row)))),
    list: (query) => store.executions.list(query),
    close: () => store.close(),
  };
});
