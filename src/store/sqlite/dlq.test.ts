import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deadLetterRowsContract } from "../dead-letter-rows.contract";
import { createSqliteStore } from "./sqlite-store";

const dir = mkdtempSync(join(tmpdir(), "nanofaas-sqlite-dlq-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

// A real database file per test, through the whole store (migrations included).
deadLetterRowsContract("sqlite", async () => {
  const store = createSqliteStore({ path: join(dir, `dlq-${files++}.db`) });
  return { rows: store.dlq, close: () => store.close() };
});
