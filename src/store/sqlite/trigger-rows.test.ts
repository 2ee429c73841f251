/** The triggers sub-store's contract (../trigger-rows.contract.ts) on SQLite files in a temp dir. */
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StateStore } from "../state-store";
import { triggerRowsContract } from "../trigger-rows.contract";
import { createSqliteStore } from "./sqlite-store";

const dir = mkdtempSync(join(tmpdir(), "nanofaas-trigger-rows-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const paths = new WeakMap<StateStore, string>();
let files = 0;
const openAt = (path: string) => {
  const store = createSqliteStore({ path });
  paths.set(store, path);
  return store;
};

triggerRowsContract("sqlite", {
  open: async () => openAt(join(dir, `contract-${++files}.db`)),
  reopen: async (store) => {
    await store.close();
    return openAt(paths.get(store) as string);
  },
});
